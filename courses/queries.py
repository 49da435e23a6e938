"""Read side of courses: catalogue, outlines, progress and the lesson page (bounded queries)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only

from app.content_registry import item_titles
from app.extensions import db
from courses.loader import FAMILIES, required_kinds
from courses.models import Course, CourseItem, CourseVersion, Enrollment, ItemProgress, Lesson


@dataclass(frozen=True)
class OutlineItem:
    """An item as the outline and navigation show it."""

    item: CourseItem
    title_es: str
    title_en: str | None
    done: bool
    required: bool

    def title(self, locale: str) -> str:
        """The item's title in ``locale``."""
        return self.title_en if str(locale).startswith("en") and self.title_en else self.title_es


@dataclass(frozen=True)
class Progress:
    """How far a learner is through an enrolment."""

    done: int
    total: int

    @property
    def percent(self) -> int:
        """Whole percent of required items done."""
        return round(100 * self.done / self.total) if self.total else 100


def catalogue(family: str | None = None, language: str | None = None) -> list[Course]:
    """Offered courses (not retired), with their current version, filtered, by code."""
    query = (
        select(Course)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .options(joinedload(Course.current_version))
        .where(Course.retired_at.is_(None))
        .order_by(Course.code)
    )
    if family in FAMILIES:
        query = query.where(Course.family == family)
    if language == "en":
        # Only courses whose every lesson exists in English.
        missing = (
            select(Lesson.id)
            .where(Lesson.course_version_id == Course.current_version_id, Lesson.body_en.is_(None))
            .exists()
        )
        query = query.where(CourseVersion.title_en.is_not(None), ~missing)
    return list(db.session.scalars(query).unique())


def course_by_slug(slug: str) -> Course | None:
    """A course with its current version."""
    return db.session.scalar(
        select(Course).options(joinedload(Course.current_version)).where(Course.slug == slug)
    )


def enrollment_for(user, course: Course) -> Enrollment | None:
    """The learner's open enrolment, else their latest completed one."""
    return db.session.scalar(
        select(Enrollment)
        .options(joinedload(Enrollment.version))
        .where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
        .order_by(Enrollment.completed_at.is_(None).desc(), Enrollment.enrolled_at.desc())
        .limit(1)
    )


def outline(version: CourseVersion, enrollment: Enrollment | None) -> list[OutlineItem]:
    """Every item of ``version`` with its title and whether the learner has done it.

    Two queries whatever the course size: items with lesson titles, then progress.
    """
    rows = db.session.execute(
        select(CourseItem, Lesson.title_es, Lesson.title_en)
        .outerjoin(Lesson, Lesson.id == CourseItem.lesson_id)
        .where(CourseItem.course_version_id == version.id)
        .order_by(CourseItem.position)
    ).all()
    done = completed_item_ids(enrollment) if enrollment else set()
    items = [row[0] for row in rows]
    required = {i.id for i in required_of(version, items)}
    others = {}
    for kind in ("assessment", "simulation"):
        others[kind] = item_titles(kind, [i.ref for i in items if i.kind == kind])
    result = []
    for item, title_es, title_en in rows:
        if item.kind != "lesson":
            title_es, title_en = others[item.kind].get(item.ref, (item.ref, None))
        result.append(
            OutlineItem(item, title_es or item.ref, title_en, item.id in done, item.id in required)
        )
    return result


def required_of(version: CourseVersion, items: list[CourseItem]) -> list[CourseItem]:
    """The items among ``items`` that completing ``version`` takes, by its completion rules."""
    kinds = required_kinds(version.completion)
    return [i for i in items if i.kind in kinds and not i.is_optional]


def completed_item_ids(enrollment: Enrollment) -> set[int]:
    """Ids of the items the learner has completed in this enrolment."""
    return set(
        db.session.scalars(
            select(ItemProgress.item_id).where(
                ItemProgress.enrollment_id == enrollment.id,
                ItemProgress.completed_at.is_not(None),
            )
        )
    )


def progress_of(items: list[OutlineItem]) -> Progress:
    """Required items done out of required items."""
    required = [i for i in items if i.required]
    return Progress(sum(1 for i in required if i.done), len(required))


def lesson_in_version(version_id: int, key: str) -> Lesson | None:
    """One lesson of a version, with its bodies."""
    return db.session.scalar(
        select(Lesson).where(Lesson.course_version_id == version_id, Lesson.key == key)
    )


def lessons_of(version_id: int) -> dict[str, Lesson]:
    """Every lesson of a version, by key, in one query."""
    return {
        row.key: row
        for row in db.session.scalars(select(Lesson).where(Lesson.course_version_id == version_id))
    }


def progress_row(enrollment: Enrollment, item: CourseItem) -> ItemProgress | None:
    """The progress row for one item, if the learner has opened it."""
    return db.session.scalar(
        select(ItemProgress).where(
            ItemProgress.enrollment_id == enrollment.id, ItemProgress.item_id == item.id
        )
    )


@dataclass(frozen=True)
class LearningRow:
    """A course on the learner's home page."""

    course: Course
    version: CourseVersion
    enrollment: Enrollment
    progress: Progress


def learning_of(user) -> list[LearningRow]:
    """The learner's enrolments (open first, then completed), with progress, in 3 queries."""
    enrollments = list(
        db.session.scalars(
            select(Enrollment)
            .options(joinedload(Enrollment.course), joinedload(Enrollment.version))
            .where(Enrollment.user_id == user.id)
            .order_by(Enrollment.completed_at.is_not(None), Enrollment.last_activity_at.desc())
        )
    )
    if not enrollments:
        return []
    version_ids = {e.course_version_id for e in enrollments}
    items = list(
        db.session.scalars(
            select(CourseItem)
            .options(
                load_only(
                    CourseItem.id,
                    CourseItem.kind,
                    CourseItem.is_optional,
                    CourseItem.course_version_id,
                )
            )
            .where(CourseItem.course_version_id.in_(version_ids))
        )
    )
    done: dict[int, set[int]] = {}
    for enrollment_id, item_id in db.session.execute(
        select(ItemProgress.enrollment_id, ItemProgress.item_id).where(
            ItemProgress.enrollment_id.in_([e.id for e in enrollments]),
            ItemProgress.completed_at.is_not(None),
        )
    ):
        done.setdefault(enrollment_id, set()).add(item_id)
    rows = []
    for enrollment in enrollments:
        version_items = [i for i in items if i.course_version_id == enrollment.course_version_id]
        required = {i.id for i in required_of(enrollment.version, version_items)}
        finished = len(required & done.get(enrollment.id, set()))
        rows.append(
            LearningRow(
                enrollment.course, enrollment.version, enrollment, Progress(finished, len(required))
            )
        )
    return rows


def listed_in_reviewed_course(kind: str, refs: list[str]) -> bool:
    """True when a course that requires review lists an item of ``kind`` among ``refs``."""
    if not refs:
        return False
    return (
        db.session.scalar(
            select(Course.id)
            .join(CourseItem, CourseItem.course_version_id == Course.current_version_id)
            .where(
                CourseItem.kind == kind,
                CourseItem.ref.in_(refs),
                Course.requires_review.is_(True),
            )
            .limit(1)
        )
        is not None
    )
