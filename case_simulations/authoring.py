"""Scenarios on the web: the text of a scenario's two YAML files in a draft, checked by line.

Every save and upload is read by the same loader and path analysis as the shipped files (the
text is written to a temporary folder), so a problem is reported with its file and line and
nothing invalid is ever stored. The draft can be played step by step, as a learner would.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from app import drafts
from app.audit import record_event
from app.content import ContentError, ContentErrors
from app.drafts import DraftClosed
from app.errors import DomainError
from app.i18n import _l
from app.security import Role
from case_simulations import engine
from case_simulations.checks import Analysis, analyse
from case_simulations.content_source import folder, references
from case_simulations.loader import ScenarioDoc, load_scenario
from case_simulations.models import Scenario, ScenarioDraft
from case_simulations.services import add_version
from courses.queries import listed_in_reviewed_course

MAX_FILE_BYTES = 512 * 1024


class ScenarioProblems(DomainError):
    """The scenario would not be valid; ``problems`` names file, line and key of each."""

    def __init__(self, message, problems: list[str]):
        self.problems = problems
        super().__init__(message)


def require_author(user) -> None:
    """Refuse users who are neither trainers nor admins."""
    if not user.has_any_role(Role.TRAINER, Role.ADMIN):
        raise DomainError(_l("Only trainers and administrators edit scenarios."))


def raw_files(scenario: Scenario) -> dict:
    """The scenario's two files as text: as last published on the web, else as shipped."""
    if scenario.web_files:
        return dict(scenario.web_files)
    base = folder() / f"{scenario.slug}.yaml"
    if not base.is_file():
        raise DomainError(_l("The files of this scenario are not on this server."))
    english = base.with_name(f"{scenario.slug}.en.yaml")
    return {
        "es": base.read_text(encoding="utf-8"),
        "en": english.read_text(encoding="utf-8") if english.is_file() else "",
    }


def open_draft(scenario: Scenario) -> ScenarioDraft | None:
    """The scenario's open draft, if any."""
    return drafts.open_of(ScenarioDraft, scenario_id=scenario.id)


def start_draft(scenario: Scenario, user) -> ScenarioDraft:
    """Open the scenario's draft (the same one when it is already open)."""
    require_author(user)
    content = drafts.published_or_last(
        ScenarioDraft, lambda: raw_files(scenario), scenario_id=scenario.id
    )
    return drafts.start(ScenarioDraft, user, content, scenario_id=scenario.id)


def check(content: dict, slug: str) -> tuple[ScenarioDoc, Analysis]:
    """Read the two texts as files and walk every path, as `flask content check` does.

    :raises ScenarioProblems: every problem, as ``<slug>.yaml:<line>: <key>: <message>``.
    """
    with tempfile.TemporaryDirectory(prefix="aula-scenario-") as tmp:
        base = Path(tmp) / f"{slug}.yaml"
        base.write_text(content.get("es") or "", encoding="utf-8")
        if (content.get("en") or "").strip():
            base.with_name(f"{slug}.en.yaml").write_text(content["en"], encoding="utf-8")
        refs = references()
        try:
            doc = load_scenario(base, refs)
            analysis = analyse(doc, refs.vocabulary, refs.rubric)
            errors = list(analysis.errors)
        except ContentErrors as exc:
            errors = list(exc.errors)
        except ContentError as exc:
            errors = [exc]
        problems = [str(e).replace(tmp + "/", "") for e in errors]
    if not problems and doc.slug != slug:
        problems = [str(_l("%(file)s: slug: a scenario keeps its slug", file=f"{slug}.yaml"))]
    if problems:
        raise ScenarioProblems(_l("The scenario has problems to fix."), problems)
    return doc, analysis


def save(draft: ScenarioDraft, user, seen: int, spanish: str, english: str) -> None:
    """Save both texts in the draft, only if the scenario they make is valid.

    :raises ScenarioProblems: EditConflict: DraftClosed:
    """
    require_author(user)
    content = {"es": spanish.replace("\r\n", "\n"), "en": english.replace("\r\n", "\n")}
    check(content, draft.scenario.slug)

    def change(current, basis):
        current.clear()
        current.update(content)

    drafts.save_part(draft, user, "files", seen, change)


def read_upload(data: bytes) -> str:
    """An uploaded YAML file as text, or a clear refusal."""
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioProblems(
            _l("Nothing was changed."), [str(_l("The file is larger than 512 KB."))]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioProblems(
            _l("Nothing was changed."),
            [str(_l("The file is not UTF-8 text: save it as UTF-8 and upload it again."))],
        ) from exc


def requires_review(scenario: Scenario) -> bool:
    """True when a course that requires review lists the scenario."""
    return listed_in_reviewed_course("simulation", [scenario.slug])


def blockers(draft: ScenarioDraft) -> list[str]:
    """Why the draft cannot be published now; empty when it can."""
    out: list[str] = []
    scenario = draft.scenario
    try:
        doc, _analysis = check(draft.content, scenario.slug)
    except ScenarioProblems as exc:
        out.extend(exc.problems)
        doc = None
    if requires_review(scenario) and not draft.is_approved:
        out.append(
            str(
                _l(
                    "A course that requires review lists this simulation: another trainer "
                    "must approve the draft."
                )
            )
        )
    current = scenario.current_version
    if doc is not None and current is not None and current.content_hash == doc.content_hash:
        out.append(str(_l("Nothing changed since the published scenario.")))
    return out


def publish(draft: ScenarioDraft, user, seen: int, note: str):
    """Publish the draft as a new version; runs already started keep theirs."""
    require_author(user)
    if not draft.is_open:
        raise DraftClosed()
    if draft.revision != seen:
        raise drafts.EditConflict(
            None, draft.revision, _l("The draft changed since you opened this page: check it.")
        )
    problems = blockers(draft)
    if problems:
        raise ScenarioProblems(_l("The draft cannot be published yet."), problems)
    doc, analysis = check(draft.content, draft.scenario.slug)
    drafts.close_for_publishing(draft, seen)
    scenario = draft.scenario
    version = add_version(scenario, doc, analysis)
    scenario.web_files = dict(draft.content)
    scenario.diverged_at = draft.closed_at
    scenario.retired_at = None
    record_event(
        "scenario.published", actor=user, target=scenario, version=version.number, note=note
    )
    return version


def request_review(draft: ScenarioDraft, user) -> None:
    """Put the draft in the review queue (authors only)."""
    require_author(user)
    drafts.request_review(draft, user)


def discard(draft: ScenarioDraft, user) -> None:
    """Close the draft without publishing (authors only)."""
    require_author(user)
    drafts.discard(draft, user)


@dataclass(frozen=True)
class Step:
    """Where a trial run of the draft stands, for the step-by-step preview."""

    node: str
    text: str
    choices: list[dict]
    revealed: list[str]
    points: float
    finished: bool
    path: list[str]


def play(data: dict, path: list[str]) -> Step:
    """Play ``path`` (choice ids) from the start, continuing through narrative nodes.

    Stops at the next decision, or at the case record. An impossible choice stops there.
    """
    scenario = engine.Scenario(data)
    state = engine.start(scenario)
    taken: list[str] = []
    pending = list(path)
    while not engine.is_interview_over(scenario, state):
        kind = scenario.nodes[state.node]["type"]
        if kind in engine.MOVE_NODES:
            state = engine.advance(scenario, state)
            continue
        if not pending:
            break
        choice = pending.pop(0)
        try:
            state = engine.choose(scenario, state, choice)
        except engine.InvalidMove:
            break
        taken.append(choice)
    facts = scenario.facts
    return Step(
        node=state.node,
        text=engine.node_text(scenario, state),
        choices=engine.available_choices(scenario, state),
        revealed=[facts[f].get("text", f) for f in state.revealed if f in facts],
        points=state.points,
        finished=engine.is_interview_over(scenario, state),
        path=taken,
    )
