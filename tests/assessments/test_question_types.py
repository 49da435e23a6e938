"""Scoring by question type: unit cases and properties (hypothesis)."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from assessments.question_types import normalise, parse_number, question_type

SINGLE = {
    "type": "single_choice",
    "points": 2,
    "prompt": "¿Plazo?",
    "options": [
        {"id": "a", "text": "36 horas", "correct": True, "feedback": "Criterio del AR 388/2022."},
        {"id": "b", "text": "15 días hábiles", "feedback": "Declarado inconstitucional."},
        {"id": "c", "text": "Casi", "weight": 50},
    ],
}
MULTI = {
    "type": "multiple_response",
    "points": 1,
    "prompt": "Elija",
    "options": [
        {"id": "a", "text": "A", "weight": 50},
        {"id": "b", "text": "B", "weight": 50},
        {"id": "c", "text": "C", "weight": -50},
        {"id": "d", "text": "D", "weight": -100},
    ],
}
SHORT = {
    "type": "short_answer",
    "points": 1,
    "prompt": "Siglas",
    "answers": [{"text": "COMAR"}, {"text": "Comisión Mexicana de Ayuda a Refugiados"}],
}
NUMERIC = {
    "type": "numeric",
    "points": 1,
    "prompt": "Horas",
    "answers": [{"value": 36, "tolerance": 0}, {"min": 30, "max": 40, "weight": 50}],
}
MATCHING = {
    "type": "matching",
    "points": 3,
    "prompt": "Relacione",
    "pairs": [
        {"id": "1", "prompt": "Trata", "answer": "Explotación"},
        {"id": "2", "prompt": "Tráfico ilícito", "answer": "Cruce irregular"},
        {"id": "3", "prompt": "Refugio", "answer": "Persecución"},
    ],
    "distractors": ["Turismo"],
}
ORDERING = {
    "type": "ordering",
    "points": 1,
    "prompt": "Ordene",
    "items": [
        {"id": "a", "text": "Identificarse"},
        {"id": "b", "text": "Consentimiento"},
        {"id": "c", "text": "Entrevista"},
    ],
}
TRUE_FALSE = {
    "type": "true_false",
    "points": 1,
    "prompt": "¿Verdadero?",
    "answer": True,
    "feedback_false": "Es verdadero.",
}
ALL = [SINGLE, MULTI, SHORT, NUMERIC, MATCHING, ORDERING, TRUE_FALSE]


@pytest.mark.parametrize("spec", ALL, ids=lambda s: s["type"])
def test_shipped_examples_validate(spec):
    assert question_type(spec["type"]).validate(spec) == []


@pytest.mark.parametrize(
    ("answer", "points", "feedback"),
    [
        ("a", 2.0, ("Criterio del AR 388/2022.",)),
        ("b", 0.0, ("Declarado inconstitucional.",)),
        ("c", 1.0, ()),
        (None, 0.0, ()),
        ("zz", 0.0, ()),
    ],
)
def test_single_choice(answer, points, feedback):
    result = question_type("single_choice").score(SINGLE, answer)
    assert (result.points, result.max_points, result.feedback) == (points, 2.0, feedback)


@pytest.mark.parametrize(
    ("answer", "points"),
    [
        (["a", "b"], 1.0),
        (["a"], 0.5),
        (["a", "c"], 0.0),
        (["a", "b", "c"], 0.5),
        (["d"], 0.0),
        ([], 0.0),
    ],
)
def test_multiple_response_partial_and_negative(answer, points):
    assert question_type("multiple_response").score(MULTI, answer).points == points


@pytest.mark.parametrize(
    ("answer", "points"),
    [
        ("comar", 1.0),
        ("  Comisión   Mexicana de Ayuda a REFUGIADOS ", 1.0),
        ("comision mexicana de ayuda a refugiados", 1.0),
        ("INM", 0.0),
        ("", 0.0),
    ],
)
def test_short_answer_ignores_case_accents_and_spaces(answer, points):
    assert question_type("short_answer").score(SHORT, answer).points == points


def test_short_answer_can_be_case_sensitive():
    spec = {**SHORT, "case_sensitive": True}
    assert question_type("short_answer").score(spec, "comar").points == 0.0


@pytest.mark.parametrize(("answer", "points"), [(36, 1.0), (35, 0.5), (41, 0.0), (None, 0.0)])
def test_numeric_tolerance_and_range(answer, points):
    assert question_type("numeric").score(NUMERIC, answer).points == points


@pytest.mark.parametrize(
    ("text", "value"),
    [("3,5", 3.5), (" 36 ", 36.0), ("1 000", 1000.0), ("nan", None), ("x", None), ("1e400", None)],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_matching_and_ordering_partial_credit():
    matching = question_type("matching")
    answer = {"1": "Explotación", "2": "Turismo", "3": "Persecución"}
    assert matching.score(MATCHING, answer).points == 2.0
    ordering = question_type("ordering")
    assert ordering.score(ORDERING, ["a", "b", "c"]).points == 1.0
    assert ordering.score(ORDERING, ["b", "a", "c"]).points == pytest.approx(1 / 3)


def test_true_false_feedback():
    result = question_type("true_false").score(TRUE_FALSE, False)
    assert result.points == 0.0 and result.feedback == ("Es verdadero.",)


def test_public_view_never_contains_the_key():
    for spec in ALL:
        kind = question_type(spec["type"])
        view = kind.public(spec, kind.shuffle_keys(spec))
        text = repr(view)
        for secret in ("correct", "weight", "feedback", "'answer'", "answers"):
            assert secret not in text, (spec["type"], secret)


def test_read_answer_from_form_values():
    assert question_type("single_choice").read_answer(MultiDict({"a": "b"}), SINGLE, []) == "b"
    assert question_type("single_choice").read_answer(MultiDict({"a": "x"}), SINGLE, []) is None
    multi = MultiDict([("a", "b"), ("a", "a"), ("a", "zz")])
    assert question_type("multiple_response").read_answer(multi, MULTI, []) == ["a", "b"]
    form = MultiDict({"a-a": "2", "a-b": "1", "a-c": "3"})
    assert question_type("ordering").read_answer(form, ORDERING, []) == ["b", "a", "c"]
    duplicate = MultiDict({"a-a": "1", "a-b": "1", "a-c": "3"})
    assert question_type("ordering").read_answer(duplicate, ORDERING, []) is None


def test_validation_reports_problems():
    bad = {
        "type": "single_choice",
        "prompt": "x",
        "options": [{"id": "a", "text": "A"}, {"id": "a", "text": "B", "weight": 300}],
    }
    problems = question_type("single_choice").validate(bad)
    assert len(problems) == 2


# --- properties ---------------------------------------------------------------------------

weights = st.integers(min_value=-100, max_value=100)


@st.composite
def multiple_response_specs(draw):
    count = draw(st.integers(min_value=2, max_value=6))
    positive = draw(st.integers(min_value=1, max_value=count))
    shares = [100 // positive] * positive
    shares[0] += 100 - sum(shares)
    negatives = [draw(st.integers(min_value=-100, max_value=0)) for _ in range(count - positive)]
    options = [
        {"id": f"o{i}", "text": f"Opción {i}", "weight": w}
        for i, w in enumerate(shares + negatives)
    ]
    points = draw(st.sampled_from([0.5, 1, 2, 3, 10]))
    return {"type": "multiple_response", "prompt": "?", "points": points, "options": options}


@settings(max_examples=200, deadline=None)
@given(spec=multiple_response_specs(), data=st.data())
def test_multiple_response_score_stays_within_bounds(spec, data):
    kind = question_type("multiple_response")
    assert kind.validate(spec) == []
    chosen = data.draw(st.lists(st.sampled_from([o["id"] for o in spec["options"]]), unique=True))
    result = kind.score(spec, chosen)
    assert 0 <= result.points <= result.max_points == spec["points"]


@settings(max_examples=200, deadline=None)
@given(spec=multiple_response_specs())
def test_choosing_exactly_the_positive_options_earns_full_marks(spec):
    kind = question_type("multiple_response")
    right = [o["id"] for o in spec["options"] if o["weight"] > 0]
    assert kind.score(spec, right).points == pytest.approx(spec["points"])


@settings(max_examples=200, deadline=None)
@given(spec=multiple_response_specs(), seed=st.integers(), data=st.data())
def test_option_order_never_changes_the_score(spec, seed, data):
    kind = question_type("multiple_response")
    chosen = data.draw(st.lists(st.sampled_from([o["id"] for o in spec["options"]]), unique=True))
    shuffled = {
        **spec,
        "options": random.Random(seed).sample(spec["options"], len(spec["options"])),
    }
    assert kind.score(spec, chosen).points == kind.score(shuffled, list(reversed(chosen))).points


@settings(max_examples=100, deadline=None)
@given(
    answer=st.one_of(
        st.none(),
        st.text(max_size=30),
        st.integers(),
        st.lists(st.text()),
        st.dictionaries(st.text(max_size=3), st.text(max_size=5)),
    )
)
def test_any_stored_answer_scores_within_bounds(answer):
    for spec in ALL:
        kind = question_type(spec["type"])
        try:
            result = kind.score(spec, answer)
        except (TypeError, AttributeError, ValueError):
            continue  # answers of the wrong shape never come from read_answer
        assert 0 <= result.points <= result.max_points


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=40))
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)
