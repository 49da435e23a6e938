"""Bank and quiz files: every problem named with file, line and key path."""

import shutil
from pathlib import Path

import pytest

from app.content import ContentErrors
from app.legal import registry
from assessments.loader import References, load_all

DATA = Path(__file__).resolve().parents[1] / "data" / "assessments"
REFS = References(legal_ids=frozenset(registry().provisions))


@pytest.fixture
def data(tmp_path) -> Path:
    shutil.copytree(DATA, tmp_path / "assessments")
    return tmp_path / "assessments"


def errors(folder: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_all(folder / "banks", folder / "definitions", REFS)
    return [str(e) for e in caught.value.errors]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_sample_bank_and_quizzes_load():
    banks, definitions = load_all(DATA / "banks", DATA / "definitions", REFS)
    bank = banks[0]
    assert len(bank.questions) == 8
    assert {q.type for q in bank.questions} == {
        "single_choice",
        "multiple_response",
        "true_false",
        "matching",
        "ordering",
        "short_answer",
        "numeric",
        "description",
    }
    assert bank.questions[0].spec("en")["options"][1]["text"] == "15 working days"
    assert bank.questions[0].spec("en")["options"][0]["correct"] is True  # keys survive overlay
    assert [d.slug for d in definitions] == ["muestra-final", "muestra-rapida"]


def test_bad_question_names_file_line_and_key(data):
    edit(
        data / "banks" / "muestra.yaml",
        '      - {id: a, text: "36 horas", correct: true,',
        '      - {id: a, text: "36 horas",',
    )
    (error,) = errors(data)
    assert (
        "muestra.yaml:11: questions[0].options: exactly one option must be fully correct" in error
    )


def test_unknown_type_reference_and_duplicate_id(data):
    bank = data / "banks" / "muestra.yaml"
    edit(bank, "type: numeric", "type: essay")
    edit(bank, "legal_refs: [vccr-art36]", "legal_refs: [ley-inventada]")
    edit(bank, "id: siglas-comar", "id: pasos-entrevista")
    found = errors(data)
    assert any("questions[6].type: must be one of" in e and "'essay'" in e for e in found)
    assert any("unknown legal reference 'ley-inventada'" in e for e in found)
    assert any("duplicate question id 'pasos-entrevista'" in e for e in found)


def test_overlay_for_unknown_question_and_option(data):
    overlay = data / "banks" / "muestra.en.yaml"
    edit(overlay, "  plazo-estacion:", "  no-existe:\n    prompt: x\n  plazo-estacion:")
    edit(overlay, '      c: {text: "60 working days"', '      z: {text: "60 working days"')
    found = errors(data)
    assert any("muestra.en.yaml" in e and "questions.no-existe" in e for e in found)
    assert any("options.z: no options entry with this id" in e for e in found)


def test_quiz_cannot_draw_more_than_the_bank_has(data):
    edit(data / "definitions" / "muestra-rapida.yaml", "count: 2", "count: 9")
    (error,) = errors(data)
    assert "muestra-rapida.yaml:6: draw[0].count: only 2 questions match; cannot draw 9" in error


def test_broken_bank_is_not_reported_again_as_unknown(data):
    edit(data / "banks" / "muestra.yaml", "title: {es:", "title: [es:")
    found = errors(data)
    assert len(found) == 1 and "malformed YAML" in found[0]
