"""Courses, their immutable versions, lessons and items, enrolments and progress."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import utcnow
from app.extensions import db


class Course(db.Model):
    """A course by slug; its content lives in versions, the newest being current."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    code: Mapped[str] = mapped_column(String(20))
    family: Mapped[str] = mapped_column(String(30), index=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", use_alter=True, name="fk_courses_current_version_id")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
    # "files": shipped in courses/content/ and loaded by `flask content sync`; "web": created
    # on the authoring pages (sync never touches it).
    source: Mapped[str] = mapped_column(String(10), default="files", server_default="files")
    # The content hash of the course's files when they were last synced: sync makes a new
    # version only when the files changed since then.
    files_hash: Mapped[str | None] = mapped_column(String(64))
    # Set when a version is published on the web; sync leaves the course alone until forced.
    diverged_at: Mapped[datetime | None]
    # A second trainer (not one who edited the draft) must approve before publishing.
    requires_review: Mapped[bool] = mapped_column(default=True, server_default=text("true"))

    current_version: Mapped["CourseVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list["CourseVersion"]] = relationship(
        back_populates="course",
        foreign_keys="CourseVersion.course_id",
        order_by="CourseVersion.number",
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class CourseVersion(db.Model):
    """One immutable state of a course's content, created by sync when its hash changes."""

    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    number: Mapped[int]
    label: Mapped[str] = mapped_column(String(40))  # the author's version label, e.g. 2026.1
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    title_es: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    summary_es: Mapped[str] = mapped_column(Text)
    summary_en: Mapped[str | None] = mapped_column(Text)
    estimated_minutes: Mapped[int]
    certificate_validity_months: Mapped[int]
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    modules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # id + title
    completion: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    glossary: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String(10), default="files", server_default="files")
    change_note: Mapped[str | None] = mapped_column(Text)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    course: Mapped[Course] = relationship(back_populates="versions", foreign_keys=[course_id])
    items: Mapped[list["CourseItem"]] = relationship(
        back_populates="version", order_by="CourseItem.position"
    )

    def title(self, locale: str) -> str:
        """Title in ``locale``, falling back to Spanish."""
        return self.title_en if str(locale).startswith("en") and self.title_en else self.title_es

    def summary(self, locale: str) -> str:
        """Summary in ``locale``, falling back to Spanish."""
        return (
            self.summary_en if str(locale).startswith("en") and self.summary_en else self.summary_es
        )

    def __repr__(self) -> str:
        return f"<CourseVersion {self.course_id} v{self.number}>"


class Lesson(db.Model):
    """A lesson as it is in one course version (Spanish base, optional English)."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    estimated_minutes: Mapped[int]
    legal_refs: Mapped[list[str]] = mapped_column(JSON, default=list)
    review_notes: Mapped[list[str]] = mapped_column(JSON, default=list)  # trainers only
    title_es: Mapped[str] = mapped_column(String(200))
    objectives_es: Mapped[list[str]] = mapped_column(JSON, default=list)
    body_es: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(String(200))
    objectives_en: Mapped[list[str] | None] = mapped_column(JSON)
    body_en: Mapped[str | None] = mapped_column(Text)

    def has_language(self, locale: str) -> bool:
        """True when the lesson exists in ``locale`` (Spanish always does)."""
        return not str(locale).startswith("en") or self.body_en is not None

    def __repr__(self) -> str:
        return f"<Lesson {self.key}>"


class CourseItem(db.Model):
    """One step of a course version: a lesson, an assessment or a simulation."""

    __tablename__ = "course_items"
    __table_args__ = (UniqueConstraint("course_version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"), index=True)
    position: Mapped[int]
    module_key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))  # lesson | assessment | simulation
    ref: Mapped[str] = mapped_column(String(80))
    is_optional: Mapped[bool] = mapped_column(default=False)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))

    version: Mapped[CourseVersion] = relationship(back_populates="items")
    lesson: Mapped[Lesson | None] = relationship()

    def __repr__(self) -> str:
        return f"<CourseItem {self.kind}:{self.ref}>"


class Enrollment(db.Model):
    """A learner's journey through one version of a course."""

    __tablename__ = "enrollments"
    __table_args__ = (
        # At most one open enrolment per learner and course, guarded by the database.
        Index(
            "uq_enrollments_open",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=text("completed_at IS NULL"),
            postgresql_where=text("completed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    course_version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    source: Mapped[str] = mapped_column(String(20), default="self")  # self | assigned
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_item_id: Mapped[int | None] = mapped_column(ForeignKey("course_items.id"))
    last_activity_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()
    version: Mapped[CourseVersion] = relationship()
    progress: Mapped[list["ItemProgress"]] = relationship(
        back_populates="enrollment", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Enrollment user={self.user_id} course={self.course_id}>"


class ItemProgress(db.Model):
    """When a learner first opened and completed one item of their enrolment."""

    __tablename__ = "item_progress"
    __table_args__ = (UniqueConstraint("enrollment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("course_items.id"))
    first_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    enrollment: Mapped[Enrollment] = relationship(back_populates="progress")

    def __repr__(self) -> str:
        return f"<ItemProgress {self.enrollment_id}:{self.item_id}>"
