"""Scenario files: every problem reported at once with file, line and key; overlays; checks."""

import pytest

from app.content import ContentErrors
from case_simulations.checks import analyse
from case_simulations.loader import load_scenario
from case_simulations.vocab import load_rubric, load_vocabulary, rubric, vocabulary
from tests.case_simulations.conftest import SAMPLE, references


def _write(tmp_path, text: str, name: str = "muestra-reten", overlay: str | None = None):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    if overlay is not None:
        (tmp_path / f"{name}.en.yaml").write_text(overlay, encoding="utf-8")
    return path


def _errors(path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_scenario(path, references())
    return [str(e) for e in caught.value.errors]


def _sample() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def test_shipped_vocabularies_and_rubric_load():
    vocab, rules = load_vocabulary(), load_rubric()
    assert "act_types" in vocab and len(vocab["destinations"].items) > 30
    assert sum(c.weight for c in rules.criteria.values()) == 100
    assert set(rules.gates) == {"G1", "G2", "G3", "G4", "G5"}
    assert len(rules.principles) == 29
    # Trafficking and smuggling are different words everywhere.
    labels = " ".join(i.es for lst in vocab.lists.values() for i in lst.items.values())
    assert "tráfico de personas" not in labels.lower()


def test_hierarchical_similarity_follows_the_rubric():
    acts = vocabulary()["act_types"]
    assert acts.similarity("020111030000", "020111030000") == 1
    assert acts.similarity("020111030000", "020111000000") == 0.75
    assert acts.similarity("020111030000", "020101000000") == 0.5
    assert acts.similarity("020111000000", "020111030000") == 0.75  # deeper than the facts
    assert acts.similarity("020101000000", "020111030000") == pytest.approx(2 / 3)
    perpetrators = vocabulary()["perpetrator_types"]
    assert perpetrators.similarity("L-010104-MUN", "010104000000") == 0.75
    assert perpetrators.similarity("010104000000", "L-010104-MUN") == 0.75


def test_sample_loads_with_english_overlay(sample_doc):
    assert sample_doc.data_en["title"] == "Sample: the checkpoint"
    assert sample_doc.data_en["nodes"]["cierre"]["title"] == "Cierre"  # untranslated → Spanish
    assert sample_doc.data_es["nodes"]["relato"]["variants"][0]["when"] == {
        "acompanante_presente": True
    }
    assert len(sample_doc.content_hash) == 64


def test_unknown_codes_ids_and_nodes_are_reported_with_lines(tmp_path):
    text = (
        _sample()
        .replace('type: "130104000000"', 'type: "139999000000"', 1)
        .replace("next: sondeo\n      - id: dirigida", "next: no-existe\n      - id: dirigida")
        .replace("principles: [P14, P16]", "principles: [P99]")
        .replace("reveals: [F02]", "reveals: [F77]")
    )
    errors = _errors(_write(tmp_path, text))
    joined = "\n".join(errors)
    assert "unknown code '139999000000' in the list 'act_types'" in joined
    assert "unknown node 'no-existe'" in joined
    assert "unknown principle 'P99'" in joined
    assert "unknown fact 'F77'" in joined
    assert all(":" in e.split(" ")[0] for e in errors)  # file:line before every message


def test_a_typo_in_a_key_is_not_silently_ignored(tmp_path):
    text = _sample().replace("    basis: first_hand_witnessed", "    basys: first_hand_witnessed")
    errors = _errors(_write(tmp_path, text))
    assert any("unknown key" in e and "basys" in e for e in errors)


def test_duplicate_choice_ids_and_points_out_of_range(tmp_path):
    text = (
        _sample()
        .replace("id: cuantos", "id: describir")
        .replace("points: -1\n        principles: [P14]", "points: -5\n        principles: [P14]")
    )
    errors = "\n".join(_errors(_write(tmp_path, text)))
    assert "the choice id 'describir' is used twice" in errors
    assert "must be a whole number from -3 to 2" in errors


def test_overlay_naming_unknown_ids_is_refused(tmp_path):
    overlay = "nodes:\n  fantasma:\n    title: Ghost\nfacts:\n  F99: {text: x}\n"
    errors = "\n".join(_errors(_write(tmp_path, _sample(), overlay=overlay)))
    assert "unknown node 'fantasma'" in errors
    assert "unknown fact 'F99'" in errors


def test_checks_catch_an_unrevealable_fact_and_a_key_that_scores_below_100(tmp_path):
    text = (
        _sample()
        .replace("        reveals: [F02]\n        next: temor", "        next: temor")
        .replace("risk_level: medium", "risk_level: medium\n    urgent: [{code: threat_to_life}]")
    )
    doc = load_scenario(_write(tmp_path, text), references())
    errors = "\n".join(str(e) for e in analyse(doc, vocabulary(), rubric()).errors)
    assert "no path reveals this fact" in errors
    assert "scores" in errors and "C2" in errors


def test_checks_verify_walkthrough_gates(tmp_path):
    text = _sample().replace("gates: [G4, G3]", "gates: [G4]")
    doc = load_scenario(_write(tmp_path, text), references())
    errors = "\n".join(str(e) for e in analyse(doc, vocabulary(), rubric()).errors)
    assert "the path trips G3, G4, not G4" in errors


def test_malformed_yaml_names_the_line(tmp_path):
    errors = _errors(_write(tmp_path, "slug: muestra-reten\ntitle: [unclosed\n"))
    assert errors[0].startswith(str(tmp_path / "muestra-reten.yaml") + ":")
