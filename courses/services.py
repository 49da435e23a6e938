"""Course rules: syncing content into versions, enrolment, progress and event-driven completion."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app.content_registry import SyncSummary
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l
from app.signals import course_completed, lesson_completed
from assessments import queries as assessment_queries
from courses import queries
from courses.loader import CourseDoc
from courses.models import Course, CourseItem, CourseVersion, Enrollment, ItemProgress, Lesson


class CourseRetired(DomainError):
    """The course is no longer offered."""

    message = _l("This course is no longer offered.")


class NotEnrolled(DomainError):
    """The learner has not enrolled in the course."""

    message = _l("Enrol in the course to open its lessons.")


def sync_courses(
    docs: list[CourseDoc], on_course=None, force: frozenset[str] = frozenset()
) -> SyncSummary:
    """Upsert courses by slug; a version is made only when a course's files changed.

    The files are compared with what they were at the last sync (``Course.files_hash``), not
    with the current version, so a version published on the web is never undone. A course
    edited on the web (``diverged_at``) or created there (``source == "web"``) is left alone
    and reported in ``summary.diverged`` unless its slug is in ``force``. Nothing is deleted:
    a shipped course missing from ``docs`` is marked retired. ``on_course(doc)`` is called
    after each course (for progress bars).
    """
    summary = SyncSummary()
    existing = {c.slug: c for c in db.session.scalars(select(Course))}
    for doc in docs:
        course = existing.get(doc.slug)
        if course is None:
            course = Course(slug=doc.slug, code=doc.code, family=doc.family, source="files")
            db.session.add(course)
            db.session.flush()
            summary.created.append(doc.slug)
        current = course.current_version
        files_hash = course.files_hash or (
            current.content_hash if current is not None and current.origin == "files" else None
        )
        forced = doc.slug in force
        if (
            course.source == "files"
            and files_hash == doc.content_hash
            and not (forced and course.diverged_at is not None)
        ):
            course.files_hash, course.retired_at = files_hash, None
            summary.unchanged.append(doc.slug)
        elif (course.diverged_at is not None or course.source == "web") and (doc.slug not in force):
            summary.diverged.append(doc.slug)
        else:
            course.code, course.family, course.retired_at = doc.code, doc.family, None
            course.source, course.diverged_at, course.files_hash = "files", None, doc.content_hash
            if current is None or current.content_hash != doc.content_hash:
                if current is not None:
                    summary.new_versions.append(doc.slug)
                course.current_version = create_version(course, doc)
            elif doc.slug not in summary.created:
                summary.unchanged.append(doc.slug)
        if on_course:
            on_course(doc)
    shipped = {doc.slug for doc in docs}
    for slug, course in existing.items():
        if slug in shipped or course.retired_at is not None or course.source != "files":
            continue
        if course.diverged_at is not None and slug not in force:
            summary.diverged.append(slug)
            continue
        course.retired_at = utcnow()
        summary.retired.append(slug)
    db.session.flush()
    return summary


def create_version(course: Course, doc: CourseDoc, **provenance) -> CourseVersion:
    """A new immutable version of ``course`` from ``doc``.

    ``provenance`` sets ``origin``, ``change_note``, ``published_by_id`` and
    ``reviewed_by_id`` (by default the version comes from the files).
    """
    number = (
        db.session.scalar(
            select(func.max(CourseVersion.number)).where(CourseVersion.course_id == course.id)
        )
        or 0
    ) + 1
    data = doc.as_dict()
    version = CourseVersion(
        course_id=course.id,
        number=number,
        label=doc.version,
        content_hash=doc.content_hash,
        title_es=doc.title.es,
        title_en=doc.title.en,
        summary_es=doc.summary.es,
        summary_en=doc.summary.en,
        estimated_minutes=doc.estimated_minutes,
        certificate_validity_months=doc.certificate_validity_months,
        audience=list(doc.audience),
        modules=[{"id": m["id"], "title": m["title"]} for m in data["modules"]],
        completion=data["completion"],
        glossary=data["glossary"],
        **provenance,
    )
    db.session.add(version)
    db.session.flush()
    lessons = {}
    for key, lesson in doc.lessons.items():
        row = Lesson(
            course_version_id=version.id,
            key=key,
            estimated_minutes=lesson.estimated_minutes,
            legal_refs=list(lesson.legal_refs),
            review_notes=list(lesson.review_notes),
            title_es=lesson.es.title,
            objectives_es=list(lesson.es.objectives),
            body_es=lesson.es.body,
            title_en=lesson.en.title if lesson.en else None,
            objectives_en=list(lesson.en.objectives) if lesson.en else None,
            body_en=lesson.en.body if lesson.en else None,
        )
        db.session.add(row)
        lessons[key] = row
    db.session.flush()
    for position, (module, item) in enumerate(doc.items):
        db.session.add(
            CourseItem(
                course_version_id=version.id,
                position=position,
                module_key=module.id,
                kind=item.kind,
                ref=item.ref,
                is_optional=item.optional,
                lesson_id=lessons[item.ref].id if item.kind == "lesson" else None,
            )
        )
    db.session.flush()
    return version


def open_enrollment(user, course: Course) -> Enrollment | None:
    """The learner's enrolment that is not completed yet, if any."""
    return db.session.scalar(
        select(Enrollment).where(
            Enrollment.user_id == user.id,
            Enrollment.course_id == course.id,
            Enrollment.completed_at.is_(None),
        )
    )


def enroll(course: Course, user, source: str = "self", *, retake: bool = False) -> Enrollment:
    """Enrol ``user`` in the current version of ``course``; harmless if already enrolled.

    A learner who already completed the course gets that enrolment back (a stale form or a
    second click must not start over) unless ``retake`` asks for a new one. A second,
    concurrent request is stopped by the database's unique index and returns the enrolment
    the first one made.
    :raises CourseRetired:
    """
    existing = open_enrollment(user, course)
    if existing is not None:
        return existing
    if not retake:
        completed = db.session.scalar(
            select(Enrollment)
            .where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
            .order_by(Enrollment.completed_at.desc())
            .limit(1)
        )
        if completed is not None:
            return completed
    if course.retired_at is not None or course.current_version_id is None:
        raise CourseRetired()
    enrollment = Enrollment(
        user_id=user.id,
        course_id=course.id,
        course_version_id=course.current_version_id,
        source=source,
    )
    try:
        with db.session.begin_nested():
            db.session.add(enrollment)
    except IntegrityError:
        return open_enrollment(user, course)
    # A quiz passed before enrolling (from its own page, or in another course) counts.
    items = course.current_version.items  # the version the enrolment was just made on
    passed = assessment_queries.passed_slugs(user, [i.ref for i in items if i.kind == "assessment"])
    for item in items:
        if item.kind == "assessment" and item.ref in passed:
            complete_item(enrollment, item, user)
    return enrollment


ACTIVITY_GRANULARITY = timedelta(minutes=10)


def record_view(enrollment: Enrollment, item: CourseItem, progress: ItemProgress | None) -> bool:
    """Remember that the learner opened ``item`` (for resuming) and when they first did.

    Re-reading the same lesson writes nothing unless the last activity is over ten minutes
    old, so most page views cost no write. Returns True when something changed.
    """
    now = utcnow()
    if (
        progress is not None
        and enrollment.last_item_id == item.id
        and enrollment.last_activity_at is not None
        and now - enrollment.last_activity_at < ACTIVITY_GRANULARITY
    ):
        return False
    enrollment.last_item_id = item.id
    enrollment.last_activity_at = now
    if progress is None:
        try:
            with db.session.begin_nested():
                db.session.add(ItemProgress(enrollment_id=enrollment.id, item_id=item.id))
        except IntegrityError:
            pass  # another tab recorded it first
    return True


def complete_item(enrollment: Enrollment, item: CourseItem, user) -> bool:
    """Mark ``item`` done and check completion; safe against double clicks and two tabs.

    The database decides who completes first (``UPDATE … WHERE completed_at IS NULL``), so
    ``lesson_completed`` and ``course_completed`` are each sent once. Returns True when this
    call completed the whole course.
    """
    now = utcnow()
    exists = db.session.scalar(
        select(ItemProgress.id).where(
            ItemProgress.enrollment_id == enrollment.id, ItemProgress.item_id == item.id
        )
    )
    if exists is None:
        try:
            with db.session.begin_nested():
                db.session.add(ItemProgress(enrollment_id=enrollment.id, item_id=item.id))
        except IntegrityError:
            pass  # the other request inserted it
    changed = db.session.execute(
        update(ItemProgress)
        .where(
            ItemProgress.enrollment_id == enrollment.id,
            ItemProgress.item_id == item.id,
            ItemProgress.completed_at.is_(None),
        )
        .values(completed_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if changed:
        enrollment.last_activity_at = now
        if item.kind == "lesson":
            lesson_completed.send(
                current_app._get_current_object(),
                user=user,
                item_id=item.ref,
                version=enrollment.version.number,
                course=enrollment.course.slug,
            )
    return evaluate_completion(enrollment, user)


def evaluate_completion(enrollment: Enrollment, user) -> bool:
    """Complete the enrolment when every required item is done; send ``course_completed``.

    Returns True only on the call that completes it (decided by the database).
    """
    if enrollment.completed_at is not None:
        return False
    done = set(
        db.session.scalars(
            select(ItemProgress.item_id).where(
                ItemProgress.enrollment_id == enrollment.id,
                ItemProgress.completed_at.is_not(None),
            )
        )
    )
    version = enrollment.version
    if any(item.id not in done for item in queries.required_of(version, version.items)):
        return False
    now = utcnow()
    changed = db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id, Enrollment.completed_at.is_(None))
        .values(completed_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not changed:
        return False
    set_committed_value(enrollment, "completed_at", now)
    course_completed.send(
        current_app._get_current_object(),
        user=user,
        item_id=enrollment.course.slug,
        version=enrollment.version.number,
        enrollment=enrollment,
    )
    return True


def on_item_passed(kind: str):
    """A receiver for ``assessment_passed``/``simulation_passed``: complete matching items."""

    def receiver(sender, user, item_id: str, version=None, **extra) -> None:
        rows = db.session.execute(
            select(Enrollment, CourseItem)
            .join(CourseItem, CourseItem.course_version_id == Enrollment.course_version_id)
            .where(
                Enrollment.user_id == user.id,
                Enrollment.completed_at.is_(None),
                CourseItem.kind == kind,
                CourseItem.ref == item_id,
            )
        ).all()
        for enrollment, item in rows:
            complete_item(enrollment, item, user)

    receiver.__name__ = f"on_{kind}_passed"
    return receiver


def version_as_dict(version: CourseVersion) -> dict:
    """A stored version in the shape of ``CourseDoc.as_dict()`` (for export and checks)."""
    course = version.course
    lessons = {
        row.key: row
        for row in db.session.scalars(select(Lesson).where(Lesson.course_version_id == version.id))
    }
    modules = []
    for module in version.modules:
        items = [
            {item.kind: item.ref, **({"optional": True} if item.is_optional else {})}
            for item in version.items
            if item.module_key == module["id"]
        ]
        modules.append({"id": module["id"], "title": module["title"], "items": items})

    def text(es, en):
        return {"es": es, **({"en": en} if en else {})}

    return {
        "slug": course.slug,
        "code": course.code,
        "family": course.family,
        "version": version.label,
        "title": text(version.title_es, version.title_en),
        "summary": text(version.summary_es, version.summary_en),
        "audience": list(version.audience),
        "estimated_minutes": version.estimated_minutes,
        "certificate_validity_months": version.certificate_validity_months,
        "modules": modules,
        "completion": dict(version.completion),
        "glossary": list(version.glossary),
        "lessons": {
            key: {
                "estimated_minutes": row.estimated_minutes,
                "legal_refs": list(row.legal_refs),
                "review_notes": list(row.review_notes or []),
                "es": {
                    "title": row.title_es,
                    "objectives": list(row.objectives_es),
                    "body": row.body_es,
                },
                **(
                    {
                        "en": {
                            "title": row.title_en,
                            "objectives": list(row.objectives_en or []),
                            "body": row.body_en,
                        }
                    }
                    if row.body_en is not None
                    else {}
                ),
            }
            for key, row in sorted(lessons.items())
        },
    }
