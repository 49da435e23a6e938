"""Web authoring of courses: drafts (with per-part optimistic locking), owners and images."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import utcnow
from app.extensions import db
from courses.models import Course, CourseVersion


class CourseOwner(db.Model):
    """A trainer named as an owner of a course: when a course has owners, only they edit it."""

    __tablename__ = "course_owners"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class CourseDraft(db.Model):
    """The next version of a course while it is being written; at most one open per course.

    ``content`` has the shape of ``CourseDoc.as_dict()`` (the on-disk format), so publishing
    validates it with the same loader as the shipped files. ``revision`` grows with every
    save and is compared-and-set by each write; ``part_revisions`` remembers the revision at
    which each part (``course``, ``structure``, ``glossary``, ``lesson:<key>``) last changed,
    so two trainers editing different lessons never collide and two editing the same one are
    told instead of overwriting each other.
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

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("course_versions.id"))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Per lesson: the hash of the Spanish text the English was last written against.
    translation_basis: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(default=1)
    part_revisions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    part_editors: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # part -> user id
    editor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    review_requested_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_revision: Mapped[int | None]
    approved_at: Mapped[datetime | None]
    review_comment: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(12))  # published | discarded
    published_version_id: Mapped[int | None] = mapped_column(ForeignKey("course_versions.id"))

    course: Mapped[Course] = relationship()
    base_version: Mapped[CourseVersion | None] = relationship(foreign_keys=[base_version_id])

    @property
    def is_open(self) -> bool:
        """True until the draft is published or discarded."""
        return self.closed_at is None

    @property
    def is_approved(self) -> bool:
        """True when a reviewer approved exactly the draft as it is now."""
        return self.approved_by_id is not None and self.approved_revision == self.revision

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
