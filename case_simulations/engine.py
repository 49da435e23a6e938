"""The interview engine: a pure state machine over a scenario's graph.

``(scenario, state, choice) → next state, revealed facts, points, response``. It also explores
every path to check a scenario (reachability, dead ends, loops, the best path). No Flask, no
database: scenarios and states are plain data, so runs store them as JSON.
"""

from dataclasses import asdict, dataclass, field, replace
from typing import Any

NODE_TYPES = ("narrative", "decision", "observation", "record", "end")
MOVE_NODES = ("narrative", "observation")
COMPARISONS = {
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
    "ne": lambda a, b: a != b,
}
SPECIAL_CONDITIONS = ("revealed", "not_revealed", "chosen", "not_chosen")
CRITICAL_WEIGHT = 3
EXPLORATION_LIMIT = 250_000


class InvalidMove(Exception):
    """The move is not possible from this state (stale page, tampered form, finished run)."""


class Scenario:
    """Read access to a scenario's normalised data (as the loader produces and runs store)."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.nodes: dict[str, dict] = data["nodes"]
        self.facts: dict[str, dict] = data["facts"]
        self.people: dict[str, dict] = data["people"]
        self.choices: dict[str, tuple[str, dict]] = {
            choice["id"]: (node_id, choice)
            for node_id, node in self.nodes.items()
            for choice in node.get("choices", [])
        }

    @property
    def slug(self) -> str:
        """The scenario's slug."""
        return self.data["slug"]

    def fact_weight(self, fact_id: str) -> int:
        """Weight of a fact in disclosure coverage: critical facts count three times."""
        return CRITICAL_WEIGHT if self.facts[fact_id].get("critical") else 1

    def total_fact_weight(self) -> int:
        """The weight of every fact the interview can reveal."""
        return sum(self.fact_weight(f) for f in self.facts)


@dataclass
class State:
    """Where a run is: node, variables, what was revealed, chosen and scored so far."""

    node: str
    variables: dict[str, Any]
    revealed: list[str] = field(default_factory=list)
    locked: list[str] = field(default_factory=list)
    chosen: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    path: list[dict[str, Any]] = field(default_factory=list)
    gates: list[dict[str, str]] = field(default_factory=list)
    points: float = 0
    step: int = 0
    consent_at: int | None = None
    narrative_at: int | None = None
    last: dict[str, Any] | None = None  # the previous choice's response, shown once

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able copy."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "State":
        """Rebuild a state stored with :meth:`to_dict`."""
        return cls(**data)

    def copy(self) -> "State":
        """An independent copy (the engine never changes a state in place for callers).

        Lists are copied, their entries shared: path steps are never changed once appended.
        """
        return replace(
            self,
            variables=dict(self.variables),
            revealed=list(self.revealed),
            locked=list(self.locked),
            chosen=list(self.chosen),
            visited=list(self.visited),
            path=list(self.path),
            gates=list(self.gates),
        )

    @property
    def consent_before_narrative(self) -> bool:
        """Consent was obtained before the person began their account (principle P07)."""
        return self.consent_at is not None and (
            self.narrative_at is None or self.consent_at <= self.narrative_at
        )

    def signature(self, relevant_choices: frozenset[str] | None = None) -> tuple:
        """What determines the future of a run (for exploring paths).

        Of the choices made, only those that conditions name can matter (``None``: all);
        leaving the others out lets paths that arrive at the same situation merge.
        """
        chosen = frozenset(self.chosen)
        return (
            self.node,
            tuple(sorted(self.variables.items())),
            frozenset(self.revealed),
            frozenset(self.locked),
            chosen if relevant_choices is None else chosen & relevant_choices,
        )


def holds(condition: dict[str, Any] | None, state: State) -> bool:
    """True when every entry of ``condition`` holds in ``state`` (an empty one always holds)."""
    for name, expected in (condition or {}).items():
        if name == "revealed":
            ok = all(f in state.revealed for f in expected)
        elif name == "not_revealed":
            ok = not any(f in state.revealed for f in expected)
        elif name == "chosen":
            ok = all(c in state.chosen for c in expected)
        elif name == "not_chosen":
            ok = not any(c in state.chosen for c in expected)
        elif isinstance(expected, dict):
            value = state.variables.get(name)
            ok = all(COMPARISONS[op](value, bound) for op, bound in expected.items())
        else:
            ok = state.variables.get(name) == expected
        if not ok:
            return False
    return True


def start(scenario: Scenario) -> State:
    """A new run at the scenario's first node."""
    state = State(node=scenario.data["start"], variables=dict(scenario.data["variables"]))
    _enter(scenario, state, scenario.data["start"])
    return state


def _reveal(scenario: Scenario, state: State, fact_ids: list[str]) -> list[str]:
    shown = []
    for fact_id in fact_ids:
        if fact_id in state.revealed or fact_id in state.locked:
            continue
        if holds(scenario.facts[fact_id].get("requires"), state):
            state.revealed.append(fact_id)
            shown.append(fact_id)
    return shown


def _enter(scenario: Scenario, state: State, node_id: str) -> list[str]:
    node = scenario.nodes[node_id]
    state.node = node_id
    state.visited.append(node_id)
    if node.get("phase") == "narrative" and state.narrative_at is None:
        state.narrative_at = state.step
    if node["type"] == "observation":
        return _reveal(scenario, state, node.get("reveals", []))
    return []


def node_text(scenario: Scenario, state: State, node_id: str | None = None) -> str:
    """The node's text for this state: the first variant whose condition holds, else its text."""
    node = scenario.nodes[node_id or state.node]
    for variant in node.get("variants", []):
        if holds(variant.get("when"), state):
            return variant["text"]
    return node.get("text", "")


def available_choices(scenario: Scenario, state: State) -> list[dict[str, Any]]:
    """The choices shown at a decision node in this state."""
    node = scenario.nodes[state.node]
    if node["type"] != "decision":
        return []
    return [c for c in node.get("choices", []) if holds(c.get("when"), state)]


def is_interview_over(scenario: Scenario, state: State) -> bool:
    """True once the run reached the case-record form (or its end)."""
    return scenario.nodes[state.node]["type"] in ("record", "end")


def advance(scenario: Scenario, state: State) -> State:
    """Continue from a narrative or observation node to its ``next``.

    :raises InvalidMove: at any other kind of node.
    """
    node = scenario.nodes[state.node]
    if node["type"] not in MOVE_NODES:
        raise InvalidMove(state.node)
    new = state.copy()
    new.step += 1
    new.last = None
    _enter(scenario, new, node["next"])
    return new


def choose(scenario: Scenario, state: State, choice_id: str) -> State:
    """Apply a choice: points, variables, milestones, revealed and locked facts, gates.

    :raises InvalidMove: when the choice is not offered in this state.
    """
    offered = {c["id"]: c for c in available_choices(scenario, state)}
    choice = offered.get(choice_id)
    if choice is None:
        raise InvalidMove(choice_id)
    new = state.copy()
    new.step += 1
    new.points += choice.get("points", 0)
    for name, value in (choice.get("set") or {}).items():
        new.variables[name] = value
    for name, delta in (choice.get("add") or {}).items():
        new.variables[name] = (new.variables.get(name) or 0) + delta
    if "consent" in choice.get("marks", []) and new.consent_at is None:
        new.consent_at = new.step
    revealed = _reveal(scenario, new, choice.get("reveals", []))
    for fact_id in choice.get("locks", []):
        if fact_id not in new.revealed and fact_id not in new.locked:
            new.locked.append(fact_id)
    if choice.get("gate"):
        new.gates.append({"gate": choice["gate"], "choice": choice_id, "node": state.node})
    new.chosen.append(choice_id)
    new.path.append(
        {
            "node": state.node,
            "choice": choice_id,
            "points": choice.get("points", 0),
            "principles": list(choice.get("principles", [])),
            "revealed": revealed,
            "gate": choice.get("gate"),
        }
    )
    observed = _enter(scenario, new, choice["next"])
    new.last = {"choice": choice_id, "revealed": revealed + observed}
    return new


def simulate(scenario: Scenario, choice_ids: list[str]) -> State:
    """Play ``choice_ids`` from the start, continuing through narrative and observation nodes.

    :raises InvalidMove: when a choice is not offered where the path arrives, or the path
        ends before the case record.
    """
    state = start(scenario)
    pending = list(choice_ids)
    while not is_interview_over(scenario, state):
        if scenario.nodes[state.node]["type"] in MOVE_NODES:
            state = advance(scenario, state)
        elif not pending:
            raise InvalidMove(f"path ends at '{state.node}' before the case record")
        else:
            state = choose(scenario, state, pending.pop(0))
    if pending:
        raise InvalidMove(f"the interview ended before '{pending[0]}'")
    return state


def coverage(scenario: Scenario, revealed: list[str] | set[str]) -> float:
    """Disclosure coverage: revealed fact weight ÷ total fact weight (critical facts ×3)."""
    total = scenario.total_fact_weight()
    if not total:
        return 1.0
    return sum(scenario.fact_weight(f) for f in revealed if f in scenario.facts) / total


@dataclass
class Exploration:
    """What walking every path found."""

    max_points: float = 0
    best_path: list[str] = field(default_factory=list)
    best_revealed: frozenset[str] = frozenset()
    reachable_nodes: set[str] = field(default_factory=set)
    revealable_facts: set[str] = field(default_factory=set)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (node, message)
    states: int = 0


class _TooManyStates(Exception):
    pass


def _named_choices(scenario: Scenario) -> frozenset[str]:
    """Choices named by conditions that shape the future (offered choices, revealed facts)."""
    conditions = [choice.get("when") for _node, choice in scenario.choices.values()]
    conditions += [fact.get("requires") for fact in scenario.facts.values()]
    return frozenset(
        choice_id
        for condition in conditions
        if condition
        for key in ("chosen", "not_chosen")
        for choice_id in condition.get(key, [])
    )


def explore(scenario: Scenario, limit: int = EXPLORATION_LIMIT) -> Exploration:
    """Walk every path: reachability, dead ends, loops and the best path.

    The best path maximises interview points, then disclosure (H5P's dynamic score: the
    maximum is the best sum over all paths to the case record).
    """
    found = Exploration()
    relevant = _named_choices(scenario)
    memo: dict[tuple, tuple[float, float, tuple[str, ...], frozenset[str]]] = {}
    on_path: set[tuple] = set()
    problems: set[tuple[str, str]] = set()

    def best_from(state: State):
        found.states += 1
        if found.states > limit:
            raise _TooManyStates()
        found.reachable_nodes.add(state.node)
        found.revealable_facts.update(state.revealed)
        node = scenario.nodes[state.node]
        if node["type"] in ("record", "end"):
            if node["type"] == "end":
                problems.add((state.node, "an end reached without the case record"))
            revealed = frozenset(state.revealed)
            return (0.0, coverage(scenario, revealed), (), revealed)
        key = state.signature(relevant)
        if key in memo:
            return memo[key]
        if key in on_path:
            problems.add((state.node, "a loop: this state repeats on one path"))
            return (float("-inf"), 0.0, (), frozenset())
        on_path.add(key)
        options = []
        if node["type"] in MOVE_NODES:
            points, cov, path, revealed = best_from(advance(scenario, state))
            options.append((points, cov, path, revealed))
        else:
            choices = available_choices(scenario, state)
            if not choices:
                problems.add((state.node, "no choice is available in some state"))
            for choice in choices:
                points, cov, path, revealed = best_from(choose(scenario, state, choice["id"]))
                options.append(
                    (points + choice.get("points", 0), cov, (choice["id"], *path), revealed)
                )
        on_path.discard(key)
        result = (
            max(options, key=lambda o: (o[0], o[1]))
            if options
            else (float("-inf"), 0.0, (), frozenset())
        )
        memo[key] = result
        return result

    try:
        points, _cov, path, revealed = best_from(start(scenario))
    except _TooManyStates:
        found.problems.append(
            (scenario.data["start"], f"more than {limit} states: simplify the variables")
        )
        return found
    found.max_points = points
    found.best_path = list(path)
    found.best_revealed = revealed
    found.problems.extend(sorted(problems))
    return found
