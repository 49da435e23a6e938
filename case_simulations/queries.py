"""Read side: scenarios on offer, a learner's runs, and the trainers' review queue."""

from sqlalchemy import func, select

from app.extensions import db
from case_simulations.models import Scenario, SimulationRun


def scenario_by_slug(slug: str) -> Scenario | None:
    """A synced scenario (retired ones too: past runs still show)."""
    return db.session.scalar(select(Scenario).where(Scenario.slug == slug))


def offered() -> list[Scenario]:
    """Scenarios learners can start, by title."""
    rows = db.session.scalars(
        select(Scenario).where(
            Scenario.retired_at.is_(None), Scenario.current_version_id.is_not(None)
        )
    )
    return sorted(rows, key=lambda s: s.current_version.title_es)


def runs_of(scenario: Scenario, user) -> list[SimulationRun]:
    """The learner's runs of ``scenario``, oldest first."""
    return list(
        db.session.scalars(
            select(SimulationRun)
            .where(SimulationRun.scenario_id == scenario.id, SimulationRun.user_id == user.id)
            .order_by(SimulationRun.number)
        )
    )


def latest_runs_by_scenario(user) -> dict[int, SimulationRun]:
    """Each scenario's latest run of the learner (for the catalogue), in one query."""
    rows = db.session.scalars(
        select(SimulationRun)
        .where(SimulationRun.user_id == user.id)
        .order_by(SimulationRun.scenario_id, SimulationRun.number)
    )
    return {run.scenario_id: run for run in rows}


def run_of(run_id: int, user) -> SimulationRun | None:
    """The learner's own run (another person's run does not exist for them)."""
    run = db.session.get(SimulationRun, run_id)
    return run if run is not None and run.user_id == user.id else None


def run_by_id(run_id: int) -> SimulationRun | None:
    """Any run (for trainers)."""
    return db.session.get(SimulationRun, run_id)


def review_queue() -> list[SimulationRun]:
    """Submitted runs waiting for a trainer, oldest first."""
    return list(
        db.session.scalars(
            select(SimulationRun)
            .where(SimulationRun.status == "submitted")
            .order_by(SimulationRun.submitted_at)
        )
    )


def recently_reviewed(limit: int = 20) -> list[SimulationRun]:
    """The latest reviewed runs (for the queue page)."""
    return list(
        db.session.scalars(
            select(SimulationRun)
            .where(SimulationRun.status == "reviewed")
            .order_by(SimulationRun.reviewed_at.desc())
            .limit(limit)
        )
    )


def waiting_count() -> int:
    """How many runs wait for review."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(SimulationRun)
            .where(SimulationRun.status == "submitted")
        )
        or 0
    )


def my_open_and_pending(user) -> list[SimulationRun]:
    """The learner's runs in progress or waiting for review (home panel)."""
    return list(
        db.session.scalars(
            select(SimulationRun)
            .where(
                SimulationRun.user_id == user.id,
                SimulationRun.status.in_(("interview", "record", "submitted")),
            )
            .order_by(SimulationRun.updated_at.desc())
        )
    )
