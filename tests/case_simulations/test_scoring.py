"""Rubric scoring: the key's record scores 100 %, each gate trips on its error, path-awareness."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from case_simulations import engine
from case_simulations.matching import assign, date_score, f1, place_score
from case_simulations.record import empty_record, model_record
from case_simulations.scoring import final_score, score_run
from case_simulations.vocab import rubric, vocabulary
from tests.case_simulations.conftest import BEST, CARELESS


def _score(rules, state, record):
    return score_run(rules, state.to_dict(), record, vocabulary(), rubric(), 12)


@pytest.fixture
def best(rules):
    return engine.simulate(rules, BEST)


@pytest.fixture
def model(rules, best):
    return model_record(rules, best.revealed, vocabulary())


def _gates(result) -> set[str]:
    return {g["gate"] for g in result["gates"]}


def _codes(result, criterion) -> list[str]:
    return [f["code"] for f in result["criteria"][criterion]["findings"]]


def test_the_best_path_with_the_model_record_scores_every_automatic_point(rules, best, model):
    result = _score(rules, best, model)
    assert result["gates"] == []
    assert result["auto_points"] == result["auto_max"] == pytest.approx(85.4)
    assert all(c["auto"] in (None, 1.0) for c in result["criteria"].values())
    assert result["criteria"]["C11"]["auto"] is None  # the narrative is for the trainer


def test_a_careless_path_trips_its_gates_and_the_final_score_is_capped(rules):
    careless = engine.simulate(rules, CARELESS)
    record = model_record(rules, careless.revealed, vocabulary())
    result = _score(rules, careless, record)
    assert _gates(result) == {"G3", "G4"}
    final = final_score(result, {"C8": 3, "C10": 3, "C11": 3, "C12": 3}, rubric(), 70)
    assert final["score"] <= 49 and not final["passed"]
    assert final["band"] == "not_yet_competent"


def test_unrevealed_facts_do_not_count_against_the_record_but_against_the_interview(rules):
    path = [
        "con-acompanante",
        "explicar-consentimiento",
        "abierta",
        "describir",
        "preguntar-temor",
        "pasos",
    ]  # F01 stays hidden: the companion was present
    state = engine.simulate(rules, path)
    result = _score(rules, state, model_record(rules, state.revealed, vocabulary()))
    assert result["criteria"]["C3"]["auto"] == 1.0  # no act is expected without F01
    assert result["criteria"]["C13"]["auto"] < 0.8


def test_referral_against_refused_consent_trips_g1(rules, best, model):
    record = copy.deepcopy(model)
    record["referrals"].append(
        {
            "destination": "hn_family_contact",
            "priority": "020000000000",
            "status": "sent",
            "exception": None,
            "justification": "",
            "follow_up": "2026-12-05",
        }
    )
    record["consent"]["scopes"]["contact_family"] = "granted"  # claimed, but she refused
    result = _score(rules, best, record)
    assert "G1" in _gates(result)
    assert "referral_without_consent" in _codes(result, "C1")
    assert "consent_scope_wrong" in _codes(result, "C1")


def test_return_facilitated_despite_fear_trips_g3(rules, best, model):
    record = copy.deepcopy(model)
    record["referrals"].append(
        {
            "destination": "assisted_return_info",
            "priority": "040000000000",
            "status": "sent",
            "exception": None,
            "justification": "",
            "follow_up": None,
        }
    )
    assert "G3" in _gates(_score(rules, best, record))


def test_referral_to_the_perpetrators_institution_trips_g4(rules, best, model):
    record = copy.deepcopy(model)
    record["referrals"].append(
        {
            "destination": "mx_municipal_police",
            "priority": "020000000000",
            "status": "proposed",
            "exception": None,
            "justification": "",
            "follow_up": None,
        }
    )
    result = _score(rules, best, record)
    assert "G4" in _gates(result)
    assert "referral_contraindicated" in _codes(result, "C10")


def test_invented_facts_trip_g5(rules, best, model):
    record = copy.deepcopy(model)
    record["acts"].append(
        {
            "victim": "P1",
            "type": "010101050000",
            "methods": [],
            "date": {"year": 2026, "month": 11, "day": None, "type": "020000000000"},
            "location_type": None,
            "status_at_end": None,
            "age": None,
        }
    )
    assert "G5" in _gates(_score(rules, best, record))
    record = copy.deepcopy(model)
    record["persons"]["P1"]["perpetrator_types"] = ["L-010101-INM"]  # the victim as an agent
    assert "G5" in _gates(_score(rules, best, record))


def test_urgent_need_without_urgent_action_trips_g2(rules, best):
    data = copy.deepcopy(rules.data)
    data["key"]["vulnerability"]["urgent"] = [{"code": "threat_to_life", "facts": ["F03"]}]
    changed = engine.Scenario(data)
    record = model_record(changed, best.revealed, vocabulary())
    for referral in record["referrals"]:
        referral["priority"] = "020000000000"  # nothing urgent
    result = score_run(changed, best.to_dict(), record, vocabulary(), rubric(), 12)
    assert "G2" in _gates(result)
    assert "urgent_referral_missing" in _codes(result, "C2")


def test_an_empty_record_finds_what_the_model_record_has(rules, best):
    result = _score(rules, best, empty_record(rules))
    assert "act_missing" in _codes(result, "C3")
    assert "referral_missing" in _codes(result, "C10")
    assert "fact_missing" in _codes(result, "C7")
    assert "profiles_missing" in _codes(result, "C9")
    assert result["auto_points"] < 30


def test_acts_are_aligned_whatever_their_order(rules, best, model):
    record = copy.deepcopy(model)
    record["acts"].reverse()
    record["involvements"] = [{**i, "act": 1 - i["act"]} for i in record["involvements"]]
    result = _score(rules, best, record)
    assert result["criteria"]["C3"]["auto"] == 1.0
    assert result["criteria"]["C6"]["auto"] == 1.0


def test_tallies_count_good_and_poor_choices_per_principle(rules):
    state = engine.simulate(rules, CARELESS)
    result = _score(rules, state, empty_record(rules))
    assert result["tallies"]["P14"] == {"good": 0, "poor": 2}
    assert {d["choice"] for d in result["decisions"]} >= {"con-acompanante", "ofrecer-retorno"}


def test_final_score_combines_trainer_levels(rules, best, model):
    result = _score(rules, best, model)
    full = final_score(result, {"C8": 3, "C10": 3, "C11": 3, "C12": 3}, rubric(), 70)
    assert full["score"] == 100 and full["band"] == "proficient" and full["passed"]
    low = final_score(result, {"C8": 0, "C10": 0, "C11": 0, "C12": 0}, rubric(), 70)
    assert low["score"] == pytest.approx(85.4) and low["passed"]


# -- matching ----------------------------------------------------------------------------------

MAY = {"year": 2026, "month": 5, "day": None, "type": "020000000000"}


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        ({"year": 2026, "month": 5, "day": None, "type": "020000000000"}, 1.0),
        ({"year": 2026, "month": None, "day": None, "type": "030000000000"}, 0.5),  # coarser
        ({"year": 2026, "month": 5, "day": 14, "type": "exact"}, 0.5),  # claims a day
        ({"year": 2026, "month": 6, "day": None, "type": "020000000000"}, 0.0),
        ({"year": None, "month": None, "day": None, "type": None}, 0.0),
    ],
)
def test_date_score(got, expected):
    assert date_score(MAY, got) == expected


def test_date_score_with_tolerance():
    gold = {"year": 2026, "month": 11, "day": 27, "type": "exact", "day_tolerance": 1}
    assert date_score(gold, {"year": 2026, "month": 11, "day": 28, "type": "exact"}) == 1
    assert date_score(gold, {"year": 2026, "month": 11, "day": 29, "type": "exact"}) == 0


def test_place_score_ignores_accents_and_case():
    gold = {"country": "MX", "region": "MX-CHP", "municipality": ["Huixtla"]}
    assert place_score(gold, {"country": "MX", "region": "MX-CHP", "municipality": "HUÍXTLA"}) == 1
    assert place_score(gold, {"country": "MX", "region": "MX-CHP", "municipality": ""}) == 0.5
    assert place_score(gold, {"country": "MX", "region": "MX-TAB", "municipality": "Huixtla"}) == 0


def test_f1_weighs_critical_items_in_recall():
    weight = {"a": 3.0}.get
    assert f1({"a", "b"}, {"a", "b"}) == 1
    missing_critical = f1({"a", "b"}, {"b"}, lambda c: weight(c, 1.0))
    missing_plain = f1({"a", "b"}, {"a"}, lambda c: weight(c, 1.0))
    assert missing_critical < missing_plain


def test_assign_finds_the_best_one_to_one_pairs():
    scores = [[0.9, 0.8], [0.85, 0.1]]
    pairs = assign(2, 2, lambda r, c: scores[r][c])
    assert sorted(pairs) == [(0, 1), (1, 0)]  # 0.8 + 0.85 beats 0.9 + 0.1


@given(st.sets(st.sampled_from("abcdefg")), st.sets(st.sampled_from("abcdefg")))
def test_f1_stays_within_zero_and_one(gold, got):
    assert 0 <= f1(gold, got) <= 1


@given(
    st.lists(st.integers(min_value=0, max_value=3), min_size=6, max_size=6),
    st.sampled_from(["model", "empty"]),
)
def test_scores_stay_within_bounds_whatever_the_path(picks, kind):
    from case_simulations.loader import load_scenario
    from tests.case_simulations.conftest import SAMPLE, references

    rules = engine.Scenario(load_scenario(SAMPLE, references()).data_es)
    state = engine.start(rules)
    picks = list(picks)
    while not engine.is_interview_over(rules, state):
        if rules.nodes[state.node]["type"] in engine.MOVE_NODES:
            state = engine.advance(rules, state)
            continue
        offered = engine.available_choices(rules, state)
        state = engine.choose(rules, state, offered[picks.pop(0) % len(offered)]["id"])
    record = (
        model_record(rules, state.revealed, vocabulary())
        if kind == "model"
        else empty_record(rules)
    )
    result = score_run(rules, state.to_dict(), record, vocabulary(), rubric(), 12)
    assert all(c["auto"] is None or 0 <= c["auto"] <= 1 for c in result["criteria"].values())
    assert 0 <= result["auto_points"] <= result["auto_max"] <= 100
