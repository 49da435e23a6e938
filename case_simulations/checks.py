"""Whole-scenario checks that need the engine and the scorer.

Walks every path (reachable nodes, dead ends, loops, facts that can never be revealed),
checks that the best path reveals every fact and that the key's own record scores 100 % of
the automatic criteria with no gate, and replays the authored walkthroughs. Pure.
"""

from dataclasses import dataclass

from app.content import ContentError
from app.i18n import _l
from case_simulations.engine import InvalidMove, Scenario, explore, simulate
from case_simulations.loader import ScenarioDoc
from case_simulations.record import model_record
from case_simulations.scoring import score_run
from case_simulations.vocab import Rubric, Vocabulary


@dataclass(frozen=True)
class Analysis:
    """What checking found, plus the figures sync stores (max points, best path)."""

    errors: list[ContentError]
    max_points: float
    best_path: list[str]


def analyse(doc: ScenarioDoc, vocab: Vocabulary, rubric: Rubric) -> Analysis:
    """Check ``doc`` beyond its file format; see the module docstring."""
    scenario = Scenario(doc.data_es)
    errors: list[ContentError] = []

    def error(key, message) -> None:
        errors.append(ContentError(doc.path, message, key))

    for node_id, node in scenario.nodes.items():
        if node["type"] == "record" and scenario.nodes.get(node["next"], {}).get("type") != "end":
            error(("nodes", node_id, "next"), _l("a record node must lead to an end node"))
    found = explore(scenario)
    for node_id, message in found.problems:
        error(("nodes", node_id), _l("graph: %(problem)s", problem=message))
    if found.problems:
        return Analysis(errors, found.max_points, found.best_path)
    for node_id in scenario.nodes:
        kind = scenario.nodes[node_id]["type"]
        if node_id not in found.reachable_nodes and kind != "end":
            error(("nodes", node_id), _l("no path reaches this node"))
    for fact_id in scenario.facts:
        if fact_id not in found.revealable_facts:
            error(("facts", fact_id), _l("no path reveals this fact"))
    hidden = [f for f in scenario.facts if f not in found.best_revealed]
    if hidden:
        error(
            ("nodes",),
            _l(
                "the best path (%(points)s points) leaves facts unrevealed: %(facts)s",
                points=found.max_points,
                facts=", ".join(hidden),
            ),
        )
    state = simulate(scenario, found.best_path).to_dict()
    record = model_record(scenario, state["revealed"], vocab)
    result = score_run(scenario, state, record, vocab, rubric, found.max_points)
    for code, row in result["criteria"].items():
        if row["auto"] is not None and row["auto"] < 0.9999:
            codes = ", ".join(f["code"] for f in row["findings"]) or "-"
            error(
                ("key",),
                _l(
                    "the key's own record scores %(score)s on %(criterion)s (%(findings)s)",
                    score=round(row["auto"], 3),
                    criterion=code,
                    findings=codes,
                ),
            )
    for gate in result["gates"]:
        error(
            ("key",),
            _l(
                "the key's own record trips gate %(gate)s (%(code)s)",
                gate=gate["gate"],
                code=gate.get("code") or gate.get("choice"),
            ),
        )
    for name, walk in doc.data_es["walkthroughs"].items():
        try:
            walked = simulate(scenario, walk["choices"])
        except InvalidMove as exc:
            error(("walkthroughs", name), _l("cannot be played: %(problem)s", problem=str(exc)))
            continue
        tripped = sorted({g["gate"] for g in walked.gates})
        if sorted(set(walk["gates"])) != tripped:
            error(
                ("walkthroughs", name, "gates"),
                _l(
                    "the path trips %(got)s, not %(expected)s",
                    got=", ".join(tripped) or "-",
                    expected=", ".join(walk["gates"]) or "-",
                ),
            )
    return Analysis(errors, found.max_points, found.best_path)
