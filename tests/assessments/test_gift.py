"""GIFT: the peers' example, line-numbered errors, all-or-nothing import and round trips."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import gift
from assessments.loader import load_bank
from tests.assessments.test_loader import DATA

GIFT_DIR = Path(__file__).resolve().parents[1] / "data" / "gift"


def test_peers_example_is_refused_by_default_because_of_its_essay(app, runner, tmp_path):
    app.config["ASSESSMENTS_BANKS_DIR"] = str(tmp_path)
    result = runner.invoke(
        args=[
            "assessments",
            "import-gift",
            str(GIFT_DIR / "lms_peers_9_4.gift"),
            "--bank",
            "consular",
        ]
    )
    assert result.exit_code != 0
    assert (
        "línea 22 (PP-005 Reflection): las preguntas de ensayo ({}) no se admiten" in result.output
    )
    assert "no se importó nada" in result.output
    assert list(tmp_path.iterdir()) == []


def test_peers_example_imports_with_valid_only(app, runner, tmp_path):
    app.config["ASSESSMENTS_BANKS_DIR"] = str(tmp_path)
    result = runner.invoke(
        args=[
            "assessments",
            "import-gift",
            str(GIFT_DIR / "lms_peers_9_4.gift"),
            "--bank",
            "consular",
            "--valid-only",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "las preguntas de ensayo ({}) no se admiten" in result.output
    bank = load_bank(tmp_path / "passports.yaml")
    kinds = {q.id: q.type for q in bank.questions}
    assert kinds == {
        "pp-001": "single_choice",
        "pp-002-lost-passport": "true_false",
        "pp-003-fee": "numeric",
        "pp-004-match": "matching",
    }
    first = bank.questions[0]
    assert first.tags == ("passports",)
    assert first.spec_es["explanation"] == "See Consular Manual §4.2."
    assert [o["weight"] for o in first.spec_es["options"]] == [0.0, 100.0, 50.0]
    fee = bank.questions[2].spec_es
    assert fee["answers"][1] == {"min": 20.0, "max": 30.0, "weight": 50.0, "feedback": "Close."}
    assert fee["feedback_other"] == "Check the fee table."
    match = bank.questions[3].spec_es
    assert match["distractors"] == ["Civil registry"]


def test_three_broken_questions_give_three_line_numbered_errors_and_import_nothing(
    app, runner, tmp_path
):
    app.config["ASSESSMENTS_BANKS_DIR"] = str(tmp_path)
    result = runner.invoke(
        args=[
            "assessments",
            "import-gift",
            str(GIFT_DIR / "three_broken.gift"),
            "--bank",
            "pruebas",
        ]
    )
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.startswith("three_broken.gift:")]
    assert [line.split("(")[0] for line in lines] == [
        "three_broken.gift: línea 4 ",
        "three_broken.gift: línea 7 ",
        "three_broken.gift: línea 9 ",
    ]
    assert "(Roto uno)" in lines[0] and "(Roto dos)" in lines[1] and "(Roto tres)" in lines[2]
    assert list(tmp_path.iterdir()) == []


def test_escapes_and_missing_word():
    text = "::Esc::Use \\{ y \\} y \\= y \\~ y \\# y \\: en el texto {=sí \\= no ~no}.\n"
    (question,), problems = gift.parse(text, "b")
    assert problems == []
    assert question.data["prompt"] == "Use { y } y = y ~ y # y : en el texto _____ ."
    assert question.data["options"][0]["text"] == "sí = no"


def test_sample_bank_round_trips_through_gift(tmp_path):
    bank = load_bank(DATA / "banks" / "muestra.yaml")
    entries = [
        {
            "id": q.id,
            "tags": list(q.tags),
            "difficulty": q.difficulty,
            "legal_refs": list(q.legal_refs),
            **q.spec_es,
        }
        for q in bank.questions
    ]
    text, skipped = gift.export(bank.slug, entries)
    assert skipped == ["pasos-entrevista"]  # GIFT has no ordering questions
    imported, problems = gift.parse(text)
    assert problems == []
    by_id = {q.data["id"]: q.data for q in imported}
    for entry in entries:
        if entry["id"] in skipped:
            continue
        back = by_id[entry["id"]]
        for key in ("type", "prompt", "explanation", "tags", "legal_refs"):
            assert back.get(key, entry.get(key)) == entry.get(key), (entry["id"], key)
        assert question_key(back) == question_key(entry), entry["id"]


def question_key(entry: dict):
    """What scoring depends on, independent of how weights are written."""
    if entry["type"] in ("single_choice", "multiple_response"):
        return [
            (o["text"], float(o.get("weight", 100 if o.get("correct") else 0)), o.get("feedback"))
            for o in entry["options"]
        ]
    if entry["type"] == "short_answer":
        return [(a["text"], float(a.get("weight", 100))) for a in entry["answers"]]
    if entry["type"] == "numeric":
        return [
            {k: float(v) if isinstance(v, (int, float)) else v for k, v in a.items()}
            for a in entry["answers"]
        ]
    if entry["type"] == "matching":
        return ([(p["prompt"], p["answer"]) for p in entry["pairs"]], entry.get("distractors"))
    if entry["type"] == "true_false":
        return (entry["answer"], entry.get("feedback_true"), entry.get("feedback_false"))
    return entry["prompt"]


def test_export_then_import_reproduces_the_bank_file(app, runner, tmp_path):
    import shutil

    shutil.copy(DATA / "banks" / "muestra.yaml", tmp_path / "muestra.yaml")
    app.config["ASSESSMENTS_BANKS_DIR"] = str(tmp_path)
    out = tmp_path / "muestra.gift"
    result = runner.invoke(args=["assessments", "export-gift", "muestra", "--out", str(out)])
    assert result.exit_code == 0 and "pasos-entrevista" in result.output
    target = tmp_path / "copia"
    target.mkdir()
    app.config["ASSESSMENTS_BANKS_DIR"] = str(target)
    imported = runner.invoke(args=["assessments", "import-gift", str(out), "--bank", "muestra"])
    assert imported.exit_code == 0, imported.output
    data = yaml.safe_load((target / "muestra.yaml").read_text(encoding="utf-8"))
    assert len(data["questions"]) == 7


@pytest.mark.parametrize("text", ["{", "}", "::x", "a {=b} c {=d}", "{}", "::n::{#}", "\ufeff"])
def test_odd_inputs_end_in_problems_not_exceptions(text):
    questions, problems = gift.parse(text)
    assert isinstance(questions, list) and isinstance(problems, list)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("{}=~#:%->\\/ \nabc123.$[]TF")), max_size=80))
def test_gift_parser_never_raises(text):
    questions, problems = gift.parse(text)
    for question in questions:
        assert question.data["id"]


def test_category_line_right_above_a_question_keeps_the_question():
    questions, problems = gift.parse("$CATEGORY: $course$/top/Banco\n::Q::Texto {=a ~b}\n")
    assert problems == [] and questions[0].bank == "banco" and questions[0].data["id"] == "q"


def test_large_numbers_and_points_round_trip():
    entry = {
        "id": "grande",
        "type": "numeric",
        "prompt": "¿Cuánto?",
        "points": 2.0,
        "answers": [{"value": 1234567.0, "tolerance": 0.0}],
    }
    text, _skipped = gift.export("b", [entry])
    (question,), problems = gift.parse(text)
    assert problems == []
    assert question.data["answers"][0]["value"] == 1234567.0 and question.data["points"] == 2.0


def test_metadata_and_numbers_are_checked_with_line_numbers():
    text = (
        "// [difficulty:extrema]\n::A::x {=a ~b}\n\n// [legal:ley-inventada]\n::B::y {=a ~b}\n"
        "\n::C::z {#inf}\n"
    )
    _questions, problems = gift.parse(text, legal_ids=frozenset({"vccr-art36"}))
    assert [p.line for p in problems] == [2, 5, 7]
