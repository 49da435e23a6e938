"""Course authoring rules: drafts, part-by-part saves with optimistic locking, review, publish.

A draft holds the course in the on-disk shape (``CourseDoc.as_dict()``); publishing writes it
to a temporary folder and reads it back with the same loader as the shipped files, so a
course published on the web obeys exactly the rules of one committed to git.
"""

import re
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from app import drafts
from app.audit import record_event
from app.content import ContentError, ContentErrors, format_key
from app.db import utcnow
from app.drafts import DraftClosed, EditConflict
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l
from app.security import Role
from courses import services as course_services
from courses.authoring.edits import spanish_basis
from courses.authoring.models import CourseDraft, CourseOwner
from courses.content_source import references
from courses.loader import SLUG, CourseDoc, dump_course, load_course
from courses.models import Course, CourseVersion, Enrollment


class NotAllowed(DomainError):
    """The user may not author this course."""

    message = _l("You are not one of this course's authors.")


class DraftExists(DomainError):
    """A rollback needs the course to have no open draft."""

    message = _l("This course already has a draft: publish or discard it first.")


class PublishRefused(DomainError):
    """The draft cannot be published as it is; ``errors`` lists every problem."""

    def __init__(self, message, errors: list["DraftProblem"] | None = None):
        self.errors = errors or []
        super().__init__(message)


class DraftProblem:
    """One problem in a draft: where (file in the on-disk format, line), what, which part."""

    def __init__(self, error: ContentError, root: str):
        path = error.path
        self.file = path[len(root) :].lstrip("/") if path.startswith(root) else path
        self.line = error.line
        self.message = str(error.message)
        self.key = error.key
        self.part = _part_of(self.file, error.key)

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        key = format_key(self.key)
        return f"{where}: {key + ': ' if key else ''}{self.message}"


def _part_of(file: str, key) -> str:
    if file.startswith("lessons/"):
        name = file.removeprefix("lessons/").removesuffix(".md").removesuffix(".en")
        return f"lesson:{name}"
    if key and key[0] in ("modules", "completion"):
        return "structure"
    if key and key[0] == "glossary":
        return "glossary"
    return "course"


# --- who may do what -------------------------------------------------------------------------


def owner_ids(course: Course) -> set[int]:
    """The users named as owners of ``course`` (empty: every trainer may edit it)."""
    return set(
        db.session.scalars(select(CourseOwner.user_id).where(CourseOwner.course_id == course.id))
    )


def can_author(user, course: Course) -> bool:
    """Admins always; trainers when the course names no owners or names them."""
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.TRAINER):
        return False
    owners = owner_ids(course)
    return not owners or user.id in owners


def _require_author(user, course: Course) -> None:
    if not can_author(user, course):
        raise NotAllowed()


# --- drafts ----------------------------------------------------------------------------------


def open_draft(course: Course) -> CourseDraft | None:
    """The course's open draft, if any."""
    return drafts.open_of(CourseDraft, course_id=course.id)


def translation_state(draft: CourseDraft, key: str) -> str:
    """``missing``, ``outdated`` (Spanish changed since the English was written) or ``current``."""
    lesson = draft.content["lessons"].get(key) or {}
    if not lesson.get("en"):
        return "missing"
    basis = (draft.translation_basis or {}).get(key)
    return "current" if basis == spanish_basis(lesson) else "outdated"


def start_draft(course: Course, user, *, from_version: CourseVersion | None = None) -> CourseDraft:
    """Open a draft of ``course`` from its current version (or ``from_version``, to roll back).

    Opening the editor twice, or two trainers at once, gives the same draft. A rollback
    refuses when a draft is already open.
    :raises NotAllowed: DraftExists:
    """
    _require_author(user, course)
    if from_version is not None and open_draft(course) is not None:
        raise DraftExists()

    def content() -> dict:
        base = from_version or course.current_version
        if base is None:  # made on the web and never published: reopen its last draft
            body = drafts.last_content(CourseDraft, course_id=course.id)
            if body is None:
                raise DomainError(_l("This course has nothing to edit yet."))
            return body
        body = course_services.version_as_dict(base)
        body["version"] = next_label(course)
        return body

    draft = drafts.start(
        CourseDraft,
        user,
        content,
        basis=lambda body: {key: spanish_basis(row) for key, row in body["lessons"].items()},
        extra={"base_version_id": course.current_version_id},
        editors=(user.id,) if from_version is not None else (),
        course_id=course.id,
    )
    if from_version is not None:
        record_event(
            "course.rollback_started", actor=user, target=course, version=from_version.number
        )
    return draft


YEAR_LABEL = re.compile(r"^(\d{4})\.(\d+)$")


def next_label(course: Course) -> str:
    """A version label not used yet: 2026.2 after 2026.1, 2027.1 in a new year, else 'x-1'."""
    labels = set(
        db.session.scalars(select(CourseVersion.label).where(CourseVersion.course_id == course.id))
    )
    current = course.current_version.label if course.current_version else ""
    match = YEAR_LABEL.match(current)
    year = utcnow().year
    if match:
        n = int(match.group(2)) + 1 if int(match.group(1)) == year else 1
        while f"{year}.{n}" in labels:
            n += 1
        return f"{year}.{n}"
    n = 1
    while f"{current or year}-{n}" in labels:
        n += 1
    return f"{current or year}-{n}"


def create_course(user, *, slug: str, code: str, family: str, title_es: str, title_en: str | None):
    """A new course made on the web, with a draft holding one module and one lesson to fill.

    :raises DomainError: when the slug or the code is taken.
    """
    if not user.has_any_role(Role.TRAINER, Role.ADMIN):
        raise NotAllowed()
    if not SLUG.match(slug):
        raise DomainError(_l("The short name must be lower-case words joined by hyphens."))
    if db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise DomainError(_l("A course with this short name already exists."))
    if db.session.scalar(select(Course.id).where(Course.code == code)) is not None:
        raise DomainError(_l("Another course already uses this code."))
    course = Course(slug=slug, code=code, family=family, source="web", requires_review=True)
    db.session.add(course)
    db.session.flush()
    db.session.add(CourseOwner(course_id=course.id, user_id=user.id))
    title = {"es": title_es, **({"en": title_en} if title_en else {})}
    content = {
        "slug": slug,
        "code": code,
        "family": family,
        "version": f"{utcnow().year}.1",
        "title": title,
        "summary": {"es": title_es},
        "audience": [],
        "estimated_minutes": 30,
        "certificate_validity_months": 24,
        "modules": [
            {"id": "modulo-1", "title": {"es": "Módulo 1"}, "items": [{"lesson": "leccion-1"}]}
        ],
        "completion": {"lessons": "all", "assessments": "pass-all", "simulations": "pass-all"},
        "glossary": [],
        "lessons": {
            "leccion-1": {
                "estimated_minutes": 10,
                "legal_refs": [],
                "review_notes": [],
                "es": {"title": "Lección 1", "objectives": [], "body": ""},
            }
        },
    }
    draft = drafts.new(CourseDraft, user, content=content, editors=(user.id,), course_id=course.id)
    record_event("course.created", actor=user, target=course, code=code)
    return course, draft


def save_part(draft: CourseDraft, user, part: str, seen: int, change, *, also=()) -> None:
    """Save one part of the course's draft (see :func:`app.drafts.save_part`).

    :raises NotAllowed: EditConflict: DraftClosed: DomainError:
    """
    _require_author(user, draft.course)
    drafts.save_part(draft, user, part, seen, change, also=also)


# --- review and publishing -------------------------------------------------------------------


def request_review(draft: CourseDraft, user) -> None:
    """Ask the other trainers to review the draft (authors only)."""
    _require_author(user, draft.course)
    drafts.request_review(draft, user)


def validate(content: dict) -> CourseDoc:
    """Read the draft back through the course loader, exactly as files would be read.

    :raises PublishRefused: with every problem, named by file and line of the on-disk format.
    """
    with tempfile.TemporaryDirectory(prefix="aula-draft-") as tmp:
        folder = Path(tmp) / content["slug"]
        dump_course(content, folder)
        try:
            return load_course(folder, references())
        except ContentErrors as exc:
            problems = [DraftProblem(error, str(folder)) for error in exc.errors]
            raise PublishRefused(
                _l("The draft has problems to fix before it can be published."), problems
            ) from exc


def blockers(draft: CourseDraft) -> list:
    """Why the draft cannot be published now (messages and problems); empty when it can."""
    out: list = []
    try:
        doc = validate(draft.content)
    except PublishRefused as exc:
        out.extend(exc.errors)
        doc = None
    course = draft.course
    if course.requires_review and not draft.is_approved:
        out.append(_l("This course needs a review: another trainer must approve the draft."))
    if doc is not None:
        current = course.current_version
        if current is not None and current.content_hash == doc.content_hash:
            out.append(_l("Nothing changed since the published version."))
        if _label_taken(course, doc.version):
            out.append(
                _l(
                    "Version label %(label)s is already used: give the new version its own.",
                    label=doc.version,
                )
            )
        if _code_taken(course, doc.code):
            out.append(_l("Another course already uses code %(code)s.", code=doc.code))
    return out


def _label_taken(course: Course, label: str) -> bool:
    return (
        db.session.scalar(
            select(CourseVersion.id).where(
                CourseVersion.course_id == course.id, CourseVersion.label == label
            )
        )
        is not None
    )


def _code_taken(course: Course, code: str) -> bool:
    return (
        db.session.scalar(select(Course.id).where(Course.code == code, Course.id != course.id))
        is not None
    )


def publish(draft: CourseDraft, user, seen: int, change_note: str) -> CourseVersion:
    """Publish the draft as a new immutable version; learners already enrolled keep theirs.

    A double submit, or two trainers at once, publishes once: the draft is closed by a
    compare-and-set before the version is made.
    :raises DraftClosed: NotAllowed: EditConflict: PublishRefused:
    """
    course = draft.course
    _require_author(user, course)
    if not draft.is_open:
        raise DraftClosed()
    if draft.revision != seen:
        raise EditConflict(
            None, draft.revision, _l("The draft changed since you opened this page: check it.")
        )
    problems = blockers(draft)
    if problems:
        raise PublishRefused(_l("The draft cannot be published yet."), problems)
    doc = validate(draft.content)
    drafts.close_for_publishing(draft, seen)
    now = draft.closed_at
    version = course_services.create_version(
        course,
        doc,
        origin="web",
        change_note=change_note,
        published_by_id=user.id,
        reviewed_by_id=draft.approved_by_id if draft.is_approved else None,
    )
    course.current_version = version
    course.code, course.family, course.retired_at = doc.code, doc.family, None
    if course.source == "files":
        course.diverged_at = now
    draft.published_version_id = version.id
    db.session.flush()
    record_event(
        "course.published",
        actor=user,
        target=course,
        version=version.number,
        label=version.label,
        note=change_note,
    )
    return version


def discard(draft: CourseDraft, user) -> None:
    """Close the draft without publishing (authors only)."""
    _require_author(user, draft.course)
    drafts.discard(draft, user)


def set_owners(course: Course, user, user_ids: set[int]) -> None:
    """Name the course's owners (empty: every trainer may edit it)."""
    _require_author(user, course)
    current = owner_ids(course)
    for gone in current - user_ids:
        db.session.delete(db.session.get(CourseOwner, (course.id, gone)))
    for new in user_ids - current:
        db.session.add(CourseOwner(course_id=course.id, user_id=new))
    if current != user_ids:
        record_event("course.owners_changed", actor=user, target=course, owners=sorted(user_ids))


def set_requires_review(course: Course, user, value: bool) -> None:
    """Turn the second-trainer review on or off for ``course``."""
    _require_author(user, course)
    if course.requires_review != value:
        course.requires_review = value
        record_event("course.review_rule_changed", actor=user, target=course, required=value)


def learners_on(version_ids: list[int]) -> dict[int, int]:
    """How many learners are still working on each version (open enrolments)."""
    rows = db.session.execute(
        select(Enrollment.course_version_id, func.count())
        .where(Enrollment.course_version_id.in_(version_ids), Enrollment.completed_at.is_(None))
        .group_by(Enrollment.course_version_id)
    )
    return dict(rows.all())
