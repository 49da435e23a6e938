"""Scenarios, their immutable versions, and learners' runs (interview, record, scores, review)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import utcnow
from app.drafts import DraftMixin
from app.extensions import db

# A run's life: interview → record (form) → submitted (auto-scored, waiting for a trainer)
# → reviewed (final score). Nothing is deleted.
RUN_STATUSES = ("interview", "record", "submitted", "reviewed")


class Scenario(db.Model):
    """A simulation by slug; its content lives in versions, the newest being current."""

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenario_versions.id", use_alter=True, name="fk_scenarios_current_version_id")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
    # Set when a version is published from the web; sync leaves the scenario alone until forced.
    diverged_at: Mapped[datetime | None]
    # The files as last published on the web: {"es": <slug>.yaml text, "en": <slug>.en.yaml}.
    web_files: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    current_version: Mapped["ScenarioVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )

    def __repr__(self) -> str:
        return f"<Scenario {self.slug}>"


class ScenarioVersion(db.Model):
    """One immutable state of a scenario, created by sync when its hash changes."""

    __tablename__ = "scenario_versions"
    __table_args__ = (UniqueConstraint("scenario_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"), index=True)
    number: Mapped[int]
    label: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    title_es: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    data_es: Mapped[dict[str, Any]] = mapped_column(JSON)
    data_en: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    max_points: Mapped[float] = mapped_column(Float)  # best interview path (H5P dynamic score)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    scenario: Mapped[Scenario] = relationship(foreign_keys=[scenario_id])

    def data(self, locale: str) -> dict[str, Any]:
        """The scenario in ``locale`` (English overlay when asked for and present)."""
        return self.data_en if str(locale).startswith("en") and self.data_en else self.data_es

    def title(self, locale: str) -> str:
        """Title in ``locale``, falling back to Spanish."""
        return self.title_en if str(locale).startswith("en") and self.title_en else self.title_es

    def __repr__(self) -> str:
        return f"<ScenarioVersion {self.scenario_id} v{self.number}>"


class SimulationRun(db.Model):
    """One learner's play of one scenario version, from briefing to the trainer's review."""

    __tablename__ = "simulation_runs"
    __table_args__ = (
        UniqueConstraint("scenario_id", "user_id", "number"),
        # One unfinished run per learner and scenario, guarded by the database.
        Index(
            "uq_simulation_runs_open",
            "scenario_id",
            "user_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="interview", index=True)
    step: Mapped[int] = mapped_column(default=0)  # moves so far: a stale page cannot move twice
    state: Mapped[dict[str, Any]] = mapped_column(JSON)  # engine state
    draft: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # raw form per section
    record: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # structured, at submit
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # automatic scoring
    auto_points: Mapped[float | None] = mapped_column(Float)
    auto_max: Mapped[float | None] = mapped_column(Float)
    gates: Mapped[list[str]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    interview_ended_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # levels, feedback, debrief
    score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(20))
    passed: Mapped[bool | None]

    version: Mapped[ScenarioVersion] = relationship()
    scenario: Mapped[Scenario] = relationship()
    user = relationship("User", foreign_keys=[user_id])
    reviewer = relationship("User", foreign_keys=[reviewer_id])

    @property
    def is_open(self) -> bool:
        """True until the record is submitted."""
        return self.submitted_at is None

    def __repr__(self) -> str:
        return f"<SimulationRun {self.id} {self.status}>"


class ScenarioDraft(DraftMixin, db.Model):
    """The next version of a scenario, as the text of its two YAML files; part ``files``."""

    __tablename__ = "scenario_drafts"
    __table_args__ = (
        Index(
            "uq_scenario_drafts_open",
            "scenario_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )
    audit_prefix = "scenario"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"), index=True)

    scenario: Mapped[Scenario] = relationship()

    @property
    def target(self) -> Scenario:
        """The scenario the draft is of."""
        return self.scenario

    def __repr__(self) -> str:
        return f"<ScenarioDraft {self.scenario_id} r{self.revision}>"
