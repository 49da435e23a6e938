"""Question banks, versioned questions, quizzes, attempts and their answers."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import utcnow
from app.extensions import db


class QuestionBank(db.Model):
    """A bank of questions, synced from ``banks/<slug>.yaml``."""

    __tablename__ = "question_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_es: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
    # The files' content hash at the last sync; sync loads the files only when it changed.
    files_hash: Mapped[str | None] = mapped_column(String(64))
    # Set when the bank is published from the web; sync then leaves it alone unless forced.
    diverged_at: Mapped[datetime | None]
    # What was last published on the web, in the on-disk shape: {"es": {...}, "en": {...}}.
    web_content: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    def __repr__(self) -> str:
        return f"<QuestionBank {self.slug}>"


class Question(db.Model):
    """One version of a question; edits add a version, attempts keep the one they showed."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("bank_id", "key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_banks.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(30))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    difficulty: Mapped[str] = mapped_column(String(10), default="medium")
    points: Mapped[float] = mapped_column(Float, default=1.0)
    legal_refs: Mapped[list[str]] = mapped_column(JSON, default=list)
    spec_es: Mapped[dict[str, Any]] = mapped_column(JSON)
    spec_en: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    is_current: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

    bank: Mapped[QuestionBank] = relationship()

    def spec(self, locale: str) -> dict[str, Any]:
        """The question in ``locale``, falling back to Spanish."""
        return self.spec_en if str(locale).startswith("en") and self.spec_en else self.spec_es

    def __repr__(self) -> str:
        return f"<Question {self.key} v{self.version}>"


class Assessment(db.Model):
    """A quiz: draw rules and settings from ``definitions/<slug>.yaml``, versioned by hash."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    title_es: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
    # "files" (definitions/<slug>.yaml) or "web" (created on the authoring pages).
    source: Mapped[str] = mapped_column(String(10), default="files", server_default="files")
    # Set when published from the web; sync then leaves the quiz alone unless forced.
    diverged_at: Mapped[datetime | None]
    # What was last published on the web, in the on-disk shape of definitions/<slug>.yaml.
    web_definition: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    def title(self, locale: str) -> str:
        """Title in ``locale``, falling back to Spanish."""
        return self.title_en if str(locale).startswith("en") and self.title_en else self.title_es

    def __repr__(self) -> str:
        return f"<Assessment {self.slug}>"


class Attempt(db.Model):
    """One try at a quiz, with the settings and questions exactly as they were when it began."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("assessment_id", "user_id", "number"),
        # One unfinished attempt per learner and quiz, guarded by the database.
        Index(
            "uq_attempts_open",
            "assessment_id",
            "user_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number: Mapped[int]
    assessment_version: Mapped[int]
    locale: Mapped[str] = mapped_column(String(5))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)  # pass mark, feedback, review…
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None]

    assessment: Mapped[Assessment] = relationship()
    questions: Mapped[list["AttemptQuestion"]] = relationship(
        back_populates="attempt",
        order_by="AttemptQuestion.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_open(self) -> bool:
        """True until the attempt is submitted (by the learner or by the deadline)."""
        return self.submitted_at is None

    def __repr__(self) -> str:
        return f"<Attempt {self.id} #{self.number}>"


class AttemptQuestion(db.Model):
    """A question as shown in one attempt (snapshot, option order) and the learner's answer."""

    __tablename__ = "attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    question_key: Mapped[str] = mapped_column(String(80))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)  # type, spec, order, refs
    answer: Mapped[Any | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None]
    is_locked: Mapped[bool] = mapped_column(default=False)  # checked in immediate mode
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float, default=0.0)

    attempt: Mapped[Attempt] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"<AttemptQuestion {self.attempt_id}:{self.position}>"


class AnswerChoice(db.Model):
    """An option a learner chose, kept as rows so item analysis can count them in SQL."""

    __tablename__ = "answer_choices"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_question_id: Mapped[int] = mapped_column(ForeignKey("attempt_questions.id"), index=True)
    option_key: Mapped[str] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<AnswerChoice {self.attempt_question_id}:{self.option_key}>"
