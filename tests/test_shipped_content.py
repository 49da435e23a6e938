"""Everything shipped validates, and the teaching content meets the authoring rules.

Walks every shipped lesson and question: each lesson has objectives, at least one legal
reference and both a Spanish and an English file; each question has feedback and a legal
reference; nothing says "tráfico de personas" (it confuses trafficking with smuggling).
"""

import re

import pytest

from app.legal import load_registry
from assessments.content_source import PACKAGE as ASSESSMENTS_PACKAGE
from assessments.loader import References as QuizReferences
from assessments.loader import load_all as load_quizzes
from case_simulations import engine
from case_simulations.checks import analyse
from case_simulations.content_source import PACKAGE_SCENARIOS as SCENARIOS_PACKAGE
from case_simulations.loader import References as ScenarioReferences
from case_simulations.loader import discover as discover_scenarios
from case_simulations.loader import load_scenario
from case_simulations.record import model_record
from case_simulations.scoring import score_run
from case_simulations.vocab import rubric, vocabulary
from courses.content_source import PACKAGE_CONTENT
from courses.loader import discover_courses, load_course

MISNOMER = re.compile(r"tr[aá]fico de personas", re.IGNORECASE)
# People are never "illegal" (acts may be): "en situación irregular".
ILLEGAL = re.compile(
    r"\b(ilegales|illegals|(migrantes?|personas?) ilegal(es)?"
    r"|illegal (migrants?|immigrants?|aliens?))\b",
    re.IGNORECASE,
)
COURSES = discover_courses(PACKAGE_CONTENT)
SCENARIOS = SCENARIOS_PACKAGE
SCENARIO_FILES = discover_scenarios(SCENARIOS)


def test_legal_registry_is_valid():
    registry = load_registry()
    assert "vccr-art36" in registry.provisions
    assert "ley-migracion-mx-art111" in registry.provisions
    # Trafficking and smuggling are two instruments, never one.
    assert registry.instruments["protocolo-trata"] != registry.instruments["protocolo-trafico"]


def test_shipped_content_passes_every_check(app):
    from app.content_registry import content_sources

    app.config["COURSES_CONTENT_DIR"] = str(PACKAGE_CONTENT)
    app.config["ASSESSMENTS_BANKS_DIR"] = str(ASSESSMENTS_PACKAGE / "banks")
    app.config["ASSESSMENTS_DEFINITIONS_DIR"] = str(ASSESSMENTS_PACKAGE / "definitions")
    app.config["CASE_SIMULATIONS_DIR"] = str(SCENARIOS)
    problems = {source.name: source.check() for source in content_sources()}
    assert problems == {name: [] for name in problems}


@pytest.mark.parametrize("folder", COURSES, ids=[f.name for f in COURSES])
def test_every_shipped_lesson_meets_the_rules(folder):
    course = load_course(folder)
    assert course.title.en and course.summary.en, "the course needs an English title and summary"
    for key, lesson in course.lessons.items():
        assert lesson.es.objectives, f"{key}: learning objectives"
        assert lesson.legal_refs, f"{key}: at least one legal reference"
        assert lesson.en is not None and lesson.en.objectives, f"{key}: English version"
        words = len(lesson.es.body.split())
        assert 800 <= words <= 1600, f"{key}: {words} words in Spanish"
        for text in (lesson.es.body, lesson.en.body):
            assert not MISNOMER.search(text), f"{key}: 'tráfico de personas'"


def test_every_shipped_question_has_feedback_and_a_reference():
    banks, _definitions = load_quizzes(
        ASSESSMENTS_PACKAGE / "banks", ASSESSMENTS_PACKAGE / "definitions", QuizReferences()
    )
    for bank in banks:
        for question in bank.questions:
            if question.type == "description":
                continue
            spec = question.spec_es
            assert question.legal_refs, f"{bank.slug}/{question.id}: legal reference"
            has_feedback = bool(spec.get("explanation")) or any(
                option.get("feedback") for option in spec.get("options", [])
            )
            assert has_feedback, f"{bank.slug}/{question.id}: feedback"
            assert question.spec_en is not None, f"{bank.slug}/{question.id}: English"
            assert not MISNOMER.search(str(spec)), f"{bank.slug}/{question.id}: misnomer"


def test_shipped_gift_example_produces_the_same_bank():
    """assessments/banks/doc-101.gift is the GIFT twin of doc-101.yaml (Spanish)."""
    from assessments import gift
    from assessments.loader import load_bank
    from tests.assessments.test_gift import question_key

    bank = load_bank(ASSESSMENTS_PACKAGE / "banks" / "doc-101.yaml")
    text = (ASSESSMENTS_PACKAGE / "banks" / "doc-101.gift").read_text(encoding="utf-8")
    imported, problems = gift.parse(text, legal_ids=frozenset(load_registry().provisions))
    assert problems == []
    assert [q.data["id"] for q in imported] == [q.id for q in bank.questions]
    for entry, question in zip((q.data for q in imported), bank.questions, strict=True):
        expected = {
            "id": question.id,
            "tags": list(question.tags),
            "difficulty": question.difficulty,
            "legal_refs": list(question.legal_refs),
            **question.spec_es,
        }
        for key in ("type", "prompt", "explanation", "tags", "legal_refs", "difficulty"):
            assert entry.get(key) == expected.get(key), (question.id, key)
        assert float(entry.get("points", 1)) == question.points, question.id
        assert question_key(entry) == question_key(expected), question.id


def test_rulings_are_cited_once_by_their_name():
    registry = load_registry()
    assert registry.provisions["scjn-ar-388-2022-general"].citation("es") == "AR 388/2022"
    assert registry.provisions["vccr-art36"].citation("en") == "VCCR, Art. 36"


def _texts(data) -> list[str]:
    """Every learner-facing text of a scenario's data."""
    out = [data["title"], data["summary"], data["briefing"]]
    out += [p["label"] for p in data["people"].values()]
    out += [f["text"] for f in data["facts"].values()]
    for node in data["nodes"].values():
        out += [node.get("title", ""), node.get("text", "")]
        out += [v["text"] for v in node.get("variants", [])]
        for choice in node.get("choices", []):
            out += [choice["text"], choice["response"], choice["feedback"]]
    out.append(data["key"]["narrative"]["model"])
    return out


@pytest.fixture(scope="module")
def scenario_refs():
    return ScenarioReferences(
        vocabulary=vocabulary(), rubric=rubric(), legal_ids=frozenset(load_registry().provisions)
    )


def test_five_scenarios_ship():
    assert {p.stem for p in SCENARIO_FILES} == {
        "papeles-perdidos",
        "trabajo-restaurante",
        "tengo-dieciocho",
        "se-quedo-atras",
        "me-quitaron-los-papeles",
    }


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_shipped_scenario_is_valid_and_fully_scorable(path, scenario_refs):
    doc = load_scenario(path, scenario_refs)
    analysis = analyse(doc, vocabulary(), rubric())
    assert analysis.errors == []
    rules = engine.Scenario(doc.data_es)
    assert 10 <= len(rules.nodes) <= 25
    assert any(c.get("gate") for _node, c in rules.choices.values()), "at least one gate"
    # A scripted best path reveals every fact and the key's record earns every automatic point.
    best = engine.simulate(rules, analysis.best_path)
    assert set(best.revealed) == set(rules.facts)
    assert best.points == analysis.max_points
    result = score_run(
        rules,
        best.to_dict(),
        model_record(rules, best.revealed, vocabulary()),
        vocabulary(),
        rubric(),
        analysis.max_points,
    )
    assert result["gates"] == []
    assert result["auto_points"] == result["auto_max"]
    # A scripted careless path trips a gate.
    careless = engine.simulate(rules, doc.data_es["walkthroughs"]["careless"]["choices"])
    assert careless.gates, "the careless path must trip a gate"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_shipped_scenario_is_bilingual_and_uses_the_right_words(path, scenario_refs):
    doc = load_scenario(path, scenario_refs)
    assert doc.data_en is not None, "English overlay"
    spanish, english = _texts(doc.data_es), _texts(doc.data_en)
    untranslated = [
        es for es, en in zip(spanish, english, strict=True) if es == en and len(es) > 30
    ]
    assert not untranslated, untranslated[:3]
    for text in spanish + english:
        assert not MISNOMER.search(text), text[:80]
        assert not ILLEGAL.search(text), text[:80]
    assert "ficticio" in doc.data_es["briefing"].lower()
