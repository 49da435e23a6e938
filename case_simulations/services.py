"""Simulation rules: scenario sync, runs, record drafts, submission and trainer review.

Runs survive double clicks and other devices; submitting scores the record automatically.

Every state change flushes; the caller commits once.
"""

from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app.audit import record_event
from app.content_registry import SyncSummary
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l
from app.signals import simulation_passed
from case_simulations import engine
from case_simulations.checks import Analysis
from case_simulations.loader import ScenarioDoc
from case_simulations.models import Scenario, ScenarioVersion, SimulationRun
from case_simulations.scoring import final_score, score_run
from case_simulations.vocab import rubric, vocabulary


class ScenarioRetired(DomainError):
    """The simulation is no longer offered."""

    message = _l("This simulation is no longer offered.")


class NoRunsLeft(DomainError):
    """The learner used every run the simulation allows."""

    message = _l("You have used all the runs this simulation allows.")


class RunClosed(DomainError):
    """The run was already submitted; nothing more can change in it."""

    message = _l("This run is already submitted; your record was kept as you sent it.")


class NotReviewable(DomainError):
    """The run is not waiting for review (not submitted, or already reviewed)."""

    message = _l("This run is not waiting for a review (it may have been reviewed already).")


class OwnRun(DomainError):
    """Trainers do not review their own runs."""

    message = _l("You cannot review your own run: another trainer must review it.")


def sync_scenarios(
    analysed: list[tuple[ScenarioDoc, Analysis]], force: frozenset[str] = frozenset()
) -> SyncSummary:
    """Upsert scenarios by slug; a changed content hash creates a new immutable version.

    Nothing is deleted: a scenario missing from the files is marked retired. Runs keep the
    version they started on. A scenario published on the web is left alone (reported in
    ``summary.diverged`` when its files differ) unless its slug is in ``force``.
    """
    summary = SyncSummary()
    existing = {s.slug: s for s in db.session.scalars(select(Scenario))}
    now = utcnow()
    for doc, analysis in analysed:
        scenario = existing.get(doc.slug)
        if scenario is not None and scenario.diverged_at is not None and doc.slug not in force:
            current = scenario.current_version
            if current is None or current.content_hash != doc.content_hash:
                summary.diverged.append(doc.slug)
            continue
        if scenario is None:
            scenario = Scenario(slug=doc.slug)
            db.session.add(scenario)
            db.session.flush()
            summary.created.append(doc.slug)
        scenario.retired_at, scenario.synced_at = None, now
        scenario.diverged_at, scenario.web_files = None, None
        current = scenario.current_version
        if current is not None and current.content_hash == doc.content_hash:
            summary.unchanged.append(doc.slug)
            continue
        if current is not None:
            summary.new_versions.append(doc.slug)
        add_version(scenario, doc, analysis)
    shipped = {doc.slug for doc, _analysis in analysed}
    for slug, scenario in existing.items():
        if slug not in shipped and scenario.retired_at is None and scenario.diverged_at is None:
            scenario.retired_at = now
            summary.retired.append(slug)
    db.session.flush()
    return summary


def add_version(scenario: Scenario, doc: ScenarioDoc, analysis: Analysis) -> ScenarioVersion:
    """A new immutable version of ``scenario`` from ``doc``; it becomes the current one."""
    number = (
        db.session.scalar(
            select(func.max(ScenarioVersion.number)).where(
                ScenarioVersion.scenario_id == scenario.id
            )
        )
        or 0
    ) + 1
    version = ScenarioVersion(
        scenario_id=scenario.id,
        number=number,
        label=doc.version,
        content_hash=doc.content_hash,
        title_es=doc.title_es,
        title_en=doc.title_en,
        data_es=doc.data_es,
        data_en=doc.data_en,
        max_points=analysis.max_points,
    )
    db.session.add(version)
    db.session.flush()
    scenario.current_version = version
    return version


# -- runs --------------------------------------------------------------------------------------


def open_run(scenario: Scenario, user) -> SimulationRun | None:
    """The learner's unsubmitted run of ``scenario``, if any."""
    return db.session.scalar(
        select(SimulationRun).where(
            SimulationRun.scenario_id == scenario.id,
            SimulationRun.user_id == user.id,
            SimulationRun.submitted_at.is_(None),
        )
    )


def runs_used(scenario: Scenario, user) -> int:
    """How many runs the learner has started."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(SimulationRun)
            .where(SimulationRun.scenario_id == scenario.id, SimulationRun.user_id == user.id)
        )
        or 0
    )


def start_run(scenario: Scenario, user) -> SimulationRun:
    """Start a run on the current version, or return the unfinished one (any device).

    :raises ScenarioRetired, NoRunsLeft:
    """
    existing = open_run(scenario, user)
    if existing is not None:
        return existing
    if scenario.retired_at is not None or scenario.current_version is None:
        raise ScenarioRetired()
    version = scenario.current_version
    used = runs_used(scenario, user)
    limit = version.data_es.get("max_runs") or 0
    if limit and used >= limit:
        raise NoRunsLeft()
    state = engine.start(engine.Scenario(version.data_es))
    run = SimulationRun(
        scenario_id=scenario.id,
        version_id=version.id,
        user_id=user.id,
        number=used + 1,
        state=state.to_dict(),
        draft={},
    )
    try:
        with db.session.begin_nested():
            db.session.add(run)
    except IntegrityError:
        return open_run(scenario, user)  # another tab started one at the same moment
    return run


def run_scenario(run: SimulationRun) -> engine.Scenario:
    """The engine's view of the run's scenario version (Spanish data: ids and rules)."""
    return engine.Scenario(run.version.data_es)


def move(run: SimulationRun, step: int, choice_id: str | None) -> bool:
    """Continue (``choice_id`` None) or choose; True when this request made the move.

    ``step`` is the move count the page was drawn at: a second click, an old tab or a
    replayed form finds it changed and moves nothing (the database decides).
    :raises RunClosed: when the run is submitted.
    :raises engine.InvalidMove: when the choice is not offered here.
    """
    if not run.is_open:
        raise RunClosed()
    if step != run.step:
        return False
    scenario = run_scenario(run)
    state = engine.State.from_dict(run.state)
    if engine.is_interview_over(scenario, state):
        return False
    new = (
        engine.advance(scenario, state)
        if choice_id is None
        else engine.choose(scenario, state, choice_id)
    )
    values: dict[str, Any] = {"state": new.to_dict(), "step": step + 1, "updated_at": utcnow()}
    if engine.is_interview_over(scenario, new):
        values.update(status="record", interview_ended_at=utcnow())
    changed = db.session.execute(
        update(SimulationRun)
        .where(
            SimulationRun.id == run.id,
            SimulationRun.step == step,
            SimulationRun.submitted_at.is_(None),
        )
        .values(**values),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not changed:
        return False
    for name, value in values.items():
        set_committed_value(run, name, value)
    return True


def save_section(run: SimulationRun, section: str, raw: dict[str, list[str]]) -> None:
    """Keep what the learner typed in a record section, exactly (even if it has errors).

    :raises RunClosed: when the run is submitted.
    """
    if not run.is_open:
        raise RunClosed()
    draft = dict(run.draft or {})
    draft[section] = raw
    changed = db.session.execute(
        update(SimulationRun)
        .where(SimulationRun.id == run.id, SimulationRun.submitted_at.is_(None))
        .values(draft=draft, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not changed:
        raise RunClosed()
    set_committed_value(run, "draft", draft)


def submit_run(run: SimulationRun, record: dict[str, Any]) -> bool:
    """Submit the record once (a second submit changes nothing) and score it automatically.

    The run then waits for a trainer's review. Returns True when this call submitted it.
    """
    now = utcnow()
    won = db.session.execute(
        update(SimulationRun)
        .where(
            SimulationRun.id == run.id,
            SimulationRun.submitted_at.is_(None),
            SimulationRun.status == "record",
        )
        .values(submitted_at=now, status="submitted", updated_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not won:
        db.session.refresh(run)
        return False
    set_committed_value(run, "submitted_at", now)
    set_committed_value(run, "status", "submitted")
    result = score_run(
        run_scenario(run), run.state, record, vocabulary(), rubric(), run.version.max_points
    )
    run.record = record
    run.result = result
    run.auto_points, run.auto_max = result["auto_points"], result["auto_max"]
    run.gates = sorted({g["gate"] for g in result["gates"]})
    db.session.flush()
    return True


def review_run(
    run: SimulationRun,
    reviewer,
    levels: dict[str, int],
    feedback: str,
    debrief: str | None,
) -> None:
    """Record a trainer's levels for the judged criteria and set the final score, once.

    Sends ``simulation_passed`` when the run passes and the learner had not passed before.
    :raises OwnRun, NotReviewable:
    """
    if run.user_id == reviewer.id:
        raise OwnRun()
    now = utcnow()
    final = final_score(run.result, levels, rubric(), run.version.data_es["pass_mark"])
    review = {"levels": levels, "feedback": feedback, "debrief": debrief or "", **final}
    won = db.session.execute(
        update(SimulationRun)
        .where(
            SimulationRun.id == run.id,
            SimulationRun.status == "submitted",
            SimulationRun.reviewed_at.is_(None),
        )
        .values(
            status="reviewed",
            reviewed_at=now,
            reviewer_id=reviewer.id,
            review=review,
            score=final["score"],
            band=final["band"],
            passed=final["passed"],
        ),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not won:
        raise NotReviewable()
    db.session.refresh(run)
    record_event(
        "simulation.reviewed",
        actor=reviewer,
        target=run,
        scenario=run.scenario.slug,
        learner=run.user_id,
        score=final["score"],
        passed=final["passed"],
    )
    if final["passed"] and not _passed_before(run):
        simulation_passed.send(
            current_app._get_current_object(),
            user=run.user,
            item_id=run.scenario.slug,
            version=run.version.number,
            run=run,
        )


def _passed_before(run: SimulationRun) -> bool:
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(SimulationRun)
            .where(
                SimulationRun.scenario_id == run.scenario_id,
                SimulationRun.user_id == run.user_id,
                SimulationRun.passed.is_(True),
                SimulationRun.id != run.id,
            )
        )
    )
