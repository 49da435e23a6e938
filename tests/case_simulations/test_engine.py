"""The pure interview engine: moves, conditions, reveals and locks, milestones, exploration."""

import pytest

from case_simulations import engine
from tests.case_simulations.conftest import BEST, CARELESS


def test_start_enters_the_first_node(rules):
    state = engine.start(rules)
    assert state.node == "inicio"
    assert state.variables == {"acompanante_presente": True}
    assert state.step == 0 and state.points == 0


def test_narrative_nodes_advance_and_decisions_refuse_to(rules):
    state = engine.advance(rules, engine.start(rules))
    assert state.node == "acompanante" and state.step == 1
    with pytest.raises(engine.InvalidMove):
        engine.advance(rules, state)


def test_choose_applies_points_variables_and_next_without_changing_the_old_state(rules):
    before = engine.advance(rules, engine.start(rules))
    after = engine.choose(rules, before, "a-solas")
    assert after.node == "consentimiento"
    assert after.points == 2
    assert after.variables["acompanante_presente"] is False
    assert before.variables["acompanante_presente"] is True  # the engine copies
    assert after.path[-1]["principles"] == ["P01", "P02"]


def test_a_choice_not_offered_here_is_an_invalid_move(rules):
    state = engine.advance(rules, engine.start(rules))
    with pytest.raises(engine.InvalidMove):
        engine.choose(rules, state, "abierta")  # belongs to a later node
    with pytest.raises(engine.InvalidMove):
        engine.choose(rules, state, "no-existe")


def test_a_fact_with_an_unmet_condition_stays_hidden(rules):
    state = engine.simulate(
        rules,
        [
            "con-acompanante",
            "explicar-consentimiento",
            "abierta",
            "describir",
            "preguntar-temor",
            "pasos",
        ],
    )
    assert "F01" not in state.revealed  # the companion was present
    assert {"F00", "F02", "F03"} <= set(state.revealed)


def test_a_harmful_choice_locks_a_fact_for_good(rules):
    state = engine.simulate(
        rules,
        ["a-solas", "explicar-consentimiento", "dirigida", "describir", "preguntar-temor", "pasos"],
    )
    assert "F02" in state.locked and "F02" not in state.revealed


def test_consent_counts_only_when_obtained_before_the_account(rules):
    good = engine.simulate(rules, BEST)
    assert good.consent_before_narrative
    late = engine.simulate(
        rules, ["a-solas", "directo", "abierta", "describir", "preguntar-temor", "pasos"]
    )
    assert not late.consent_before_narrative


def test_variants_follow_the_state(rules):
    with_companion = engine.choose(
        rules, engine.advance(rules, engine.start(rules)), "con-acompanante"
    )
    with_companion = engine.choose(rules, with_companion, "directo")
    assert "mira a su acompañante" in engine.node_text(rules, with_companion)
    alone = engine.choose(rules, engine.advance(rules, engine.start(rules)), "a-solas")
    alone = engine.choose(rules, alone, "explicar-consentimiento")
    assert "mira a su acompañante" not in engine.node_text(rules, alone)


def test_gates_are_recorded_with_their_choice(rules):
    state = engine.simulate(rules, CARELESS)
    assert [(g["gate"], g["choice"]) for g in state.gates] == [
        ("G4", "con-acompanante"),
        ("G3", "ofrecer-retorno"),
    ]


def test_state_round_trips_through_json(rules):
    import json

    state = engine.simulate(rules, BEST)
    again = engine.State.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again == state


def test_explore_finds_the_best_path_and_every_reachable_node(rules):
    found = engine.explore(rules)
    assert found.problems == []
    assert found.max_points == 12
    assert found.best_path == BEST
    assert found.best_revealed == {"F00", "F01", "F02", "F03"}
    assert {"inicio", "registro"} <= found.reachable_nodes


def test_explore_reports_loops_and_dead_ends(sample_doc):
    import copy

    data = copy.deepcopy(sample_doc.data_es)
    data["nodes"]["sondeo"]["choices"] = [
        {**c, "when": {"acompanante_presente": "nunca"}} for c in data["nodes"]["sondeo"]["choices"]
    ]
    found = engine.explore(engine.Scenario(data))
    messages = {message for _node, message in found.problems}
    assert "no choice is available in some state" in messages
    looped = copy.deepcopy(sample_doc.data_es)
    looped["nodes"]["cierre"]["choices"][0]["next"] = "acompanante"
    found = engine.explore(engine.Scenario(looped))
    assert "a loop: this state repeats on one path" in {m for _n, m in found.problems}


def test_coverage_weighs_critical_facts_three_times(rules):
    # F01 and F03 are critical (3 each), F00 and F02 count 1: total 8.
    assert engine.coverage(rules, {"F01"}) == pytest.approx(3 / 8)
    assert engine.coverage(rules, {"F00", "F02"}) == pytest.approx(2 / 8)
