"""The draft of a question bank (see :mod:`app.drafts` for saving, locking and review)."""

from sqlalchemy import ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.drafts import DraftMixin
from app.extensions import db
from assessments.models import Assessment, QuestionBank


class BankDraft(DraftMixin, db.Model):
    """The next state of a bank; at most one open per bank.

    ``content`` is the bank as its two files hold it: ``{"es": <bank>.yaml, "en":
    <bank>.en.yaml or None}``. Parts are ``bank`` (the title) and ``question:<id>``.
    """

    __tablename__ = "bank_drafts"
    __table_args__ = (
        Index(
            "uq_bank_drafts_open",
            "bank_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )
    audit_prefix = "bank"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_banks.id"), index=True)

    bank: Mapped[QuestionBank] = relationship()

    @property
    def target(self) -> QuestionBank:
        """The bank the draft is of."""
        return self.bank

    def __repr__(self) -> str:
        return f"<BankDraft {self.bank_id} r{self.revision}>"


class QuizDraft(DraftMixin, db.Model):
    """The next settings of a quiz (``content`` = its definitions/<slug>.yaml); part ``quiz``."""

    __tablename__ = "quiz_drafts"
    __table_args__ = (
        Index(
            "uq_quiz_drafts_open",
            "assessment_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )
    audit_prefix = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)

    assessment: Mapped[Assessment] = relationship()

    @property
    def target(self) -> Assessment:
        """The quiz the draft is of."""
        return self.assessment

    def __repr__(self) -> str:
        return f"<QuizDraft {self.assessment_id} r{self.revision}>"
