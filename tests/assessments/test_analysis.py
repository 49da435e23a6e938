"""Item analysis matches figures computed by hand on a small fixed data set."""

import pytest
from sqlalchemy import select

from app.extensions import db
from assessments import analysis, services
from assessments.models import AnswerChoice, Assessment, Attempt, AttemptQuestion, Question
from tests.factories import make_user

# Four attempts at three one-mark questions (A, B, C).
SCORES = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 1)]


@pytest.fixture
def data(quizzes):
    quiz = quizzes["muestra-final"]
    questions = db.session.scalars(select(Question).order_by(Question.id)).all()[:3]
    for number, row in enumerate(SCORES):
        user = make_user(f"analisis{number}@ejemplo.hn", commit=False)
        attempt = Attempt(
            assessment_id=quiz.id,
            user_id=user.id,
            number=1,
            assessment_version=1,
            locale="es",
            settings={"pass_mark": 80},
            score=float(sum(row)),
            max_score=3.0,
            percent=100 * sum(row) / 3,
            passed=sum(row) == 3,
            submitted_at=services.utcnow(),
        )
        db.session.add(attempt)
        db.session.flush()
        for position, (question, score) in enumerate(zip(questions, row, strict=True), 1):
            aq = AttemptQuestion(
                attempt_id=attempt.id,
                position=position,
                question_id=question.id,
                question_key="ABC"[position - 1],
                snapshot={},
                score=float(score),
                max_score=1.0,
            )
            db.session.add(aq)
            db.session.flush()
            db.session.add(
                AnswerChoice(attempt_question_id=aq.id, option_key="a" if score else "b")
            )
    db.session.commit()
    return quiz


def test_item_analysis_matches_hand_computed_values(data):
    stats = analysis.analyse(data)
    items = {item.key: item for item in stats.items}
    assert stats.attempts == 4
    assert items["A"].facility == pytest.approx(0.75)
    assert items["B"].facility == pytest.approx(0.5)
    # Corrected item-total correlations worked out by hand (item against the other two).
    assert items["A"].discrimination == pytest.approx(0.0, abs=1e-9)
    assert items["B"].discrimination == pytest.approx(0.57735, abs=1e-4)
    assert items["C"].discrimination == pytest.approx(-0.30151, abs=1e-4)
    assert "negative_discrimination" in items["C"].flags
    assert stats.mean_percent == pytest.approx(58.3333, abs=1e-3)
    assert stats.sd_percent == pytest.approx(31.9142, abs=1e-3)
    # Item variances .1875 + .25 + .25 = .6875 equal the total variance: alpha = 0.
    assert stats.alpha == pytest.approx(0.0, abs=1e-9)


def test_first_attempts_only_and_csv(data, learner):
    quiz = db.session.get(Assessment, data.id)
    stats = analysis.analyse(quiz, first_only=True)
    assert stats.attempts == 4
    text = analysis.to_csv(stats, ["q", "t", "n", "f", "d", "flags", "options"])
    assert text.splitlines()[1].startswith("A,")
    assert "0.7500" in text


def test_analysis_pages_are_for_trainers(data, client, login, learner, trainer):
    login(learner)
    assert client.get("/evaluaciones/muestra-final/analisis").status_code == 403
    login(trainer)
    page = client.get("/evaluaciones/muestra-final/analisis").get_data(as_text=True)
    assert "Análisis de preguntas" in page and "Discrimina negativamente" in page
    # A flagged question links to its editor in the bank it comes from.
    bank = analysis.analyse(data).items[0].bank
    assert bank and f"/autoria/bancos/{bank}/preguntas/C" in page
    csv = client.get("/evaluaciones/muestra-final/analisis.csv")
    assert csv.mimetype == "text/csv" and csv.data.count(b"\n") == 4
