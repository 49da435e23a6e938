"""Web authoring of courses: drafts (with per-part optimistic locking), owners and images."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import utcnow
from app.drafts import DraftMixin
from app.extensions import db
from courses.models import Course, CourseVersion


class CourseOwner(db.Model):
    """A trainer named as an owner of a course: when a course has owners, only they edit it."""

    __tablename__ = "course_owners"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class CourseDraft(DraftMixin, db.Model):
    """The next version of a course while it is being written; at most one open per course.

    ``content`` has the shape of ``CourseDoc.as_dict()`` (the on-disk format), so publishing
    validates it with the same loader as the shipped files. Parts are ``course``,
    ``structure``, ``glossary`` and ``lesson:<key>`` (see :mod:`app.drafts`).
    """

    __tablename__ = "course_drafts"
    __table_args__ = (
        Index(
            "uq_course_drafts_open",
            "course_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )
    audit_prefix = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("course_versions.id"))
    published_version_id: Mapped[int | None] = mapped_column(ForeignKey("course_versions.id"))

    course: Mapped[Course] = relationship()
    base_version: Mapped[CourseVersion | None] = relationship(foreign_keys=[base_version_id])

    @property
    def target(self) -> Course:
        """The course the draft is of."""
        return self.course

    def __repr__(self) -> str:
        return f"<CourseDraft {self.course_id} r{self.revision}>"


class CourseImage(db.Model):
    """An image uploaded for a course's lessons, stored under instance/ by its SHA-256."""

    __tablename__ = "course_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    filename: Mapped[str] = mapped_column(String(80), unique=True)  # <sha256[:32]>.<ext>
    original_name: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CourseImage {self.filename}>"
