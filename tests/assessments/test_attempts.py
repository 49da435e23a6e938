"""Attempts: snapshots, answers kept across sessions, deadlines, one grading, the pass signal."""

import random
from datetime import timedelta

import time_machine
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.db import utcnow
from app.extensions import db
from app.signals import assessment_passed
from assessments import content_source, services
from assessments.models import AnswerChoice, Attempt, Question
from tests.factories import DEFAULT_PASSWORD

RIGHT = {
    "plazo-estacion": {"a": "a"},
    "trata-elementos": [("a", "a"), ("a", "b")],
    "notificacion-vf": {"a": "true"},
    "siglas-comar": {"a": " comar "},
    "horas-numerico": {"a": "36"},
}


def answer_form(aq, right=True) -> MultiDict:
    """Form values answering ``aq`` (rightly or wrongly)."""
    key, spec = aq.question_key, aq.snapshot["spec"]
    if key == "relacionar-conceptos":
        answers = [p["answer"] for p in spec["pairs"]] + spec.get("distractors", [])
        choices = list(dict.fromkeys(answers))
        return MultiDict(
            {
                f"a-{p['id']}": str(choices.index(p["answer"] if right else "Turismo"))
                for p in spec["pairs"]
            }
        )
    if key == "pasos-entrevista":
        order = ["a", "b", "c"] if right else ["c", "b", "a"]
        return MultiDict({f"a-{item}": str(order.index(item) + 1) for item in order})
    if right:
        return MultiDict(RIGHT[key])
    return MultiDict({"a": "b"} if key == "plazo-estacion" else {"a": "nada"})


def start(client, slug="muestra-final"):
    response = client.post(f"/evaluaciones/{slug}/comenzar")
    assert response.status_code == 302
    return db.session.scalar(select(Attempt).order_by(Attempt.id.desc()))


def test_intro_page_in_spanish(quizzes, client, login, learner):
    login(learner)
    page = client.get("/evaluaciones/muestra-final").get_data(as_text=True)
    assert "Evaluación de muestra" in page and "Comenzar el intento 1" in page
    assert "80%" in page and "1 de 3 usados" not in page


def test_question_page_never_shows_the_key(quizzes, client, login, learner):
    login(learner)
    attempt = start(client)
    for aq in attempt.questions:
        page = client.get(f"/evaluaciones/intento/{attempt.id}/{aq.position}").get_data(
            as_text=True
        )
        assert "Declarado inconstitucional" not in page and "Correcto:" not in page
        assert '"correct"' not in page and "weight" not in page


def test_full_attempt_passes_cites_the_law_and_signals(quizzes, client, login, learner):
    login(learner)
    attempt = start(client)
    sent = []

    def on_passed(sender, **kwargs):
        sent.append((kwargs["item_id"], kwargs["version"]))

    assessment_passed.connect(on_passed)
    try:
        for aq in attempt.questions:
            client.post(f"/evaluaciones/intento/{attempt.id}/{aq.position}", data=answer_form(aq))
        response = client.post(f"/evaluaciones/intento/{attempt.id}/enviar")
        again = client.post(f"/evaluaciones/intento/{attempt.id}/enviar")
    finally:
        assessment_passed.disconnect(on_passed)
    assert response.headers["Location"].endswith("/resultado")
    assert again.status_code == 302
    db.session.refresh(attempt)
    assert attempt.passed and attempt.percent == 100.0
    assert sent == [("muestra-final", 1)]
    page = client.get(f"/evaluaciones/intento/{attempt.id}/resultado").get_data(as_text=True)
    assert "Aprobado" in page and "100.0%" in page
    assert "LM, Art. 111" in page or "Art. 111" in page
    choices = db.session.scalar(select(func.count()).select_from(AnswerChoice))
    assert choices >= 4


def test_answers_survive_logout_and_login(quizzes, client, login, learner):
    login(learner)
    attempt = start(client)
    aq = attempt.questions[0]
    client.post(f"/evaluaciones/intento/{attempt.id}/1", data=answer_form(aq))
    client.post("/cuenta/salir")
    client.post("/cuenta/entrar", data={"email": learner.email, "password": DEFAULT_PASSWORD})
    response = client.post("/evaluaciones/muestra-final/comenzar")
    assert f"/intento/{attempt.id}/" in response.headers["Location"]
    db.session.refresh(aq)
    assert aq.answer is not None


def test_deadline_submits_automatically_with_saved_answers(quizzes, client, login, learner):
    login(learner)
    attempt = start(client)
    first = attempt.questions[0]
    client.post(f"/evaluaciones/intento/{attempt.id}/1", data=answer_form(first))
    with time_machine.travel(utcnow() + timedelta(minutes=21)):
        response = client.post(
            f"/evaluaciones/intento/{attempt.id}/2", data=answer_form(attempt.questions[1])
        )
        assert response.headers["Location"].endswith("/resultado")
    db.session.refresh(attempt)
    assert attempt.auto_submitted and attempt.submitted_at is not None
    assert attempt.submitted_at == attempt.deadline_at
    assert attempt.score == first.max_score  # only the saved answer counted


def test_wrong_answers_fail_and_attempts_run_out(quizzes, client, login, learner):
    login(learner)
    for _number in range(3):
        attempt = start(client)
        for aq in attempt.questions:
            client.post(
                f"/evaluaciones/intento/{attempt.id}/{aq.position}",
                data=answer_form(aq, right=False),
            )
        client.post(f"/evaluaciones/intento/{attempt.id}/enviar")
        db.session.refresh(attempt)
        assert attempt.passed is False
    response = client.post("/evaluaciones/muestra-final/comenzar", follow_redirects=True)
    assert "Ya usó todos los intentos" in response.get_data(as_text=True)


def test_immediate_feedback_locks_the_checked_answer(quizzes, client, login, learner):
    login(learner)
    attempt = start(client, "muestra-rapida")
    aq = attempt.questions[0]
    client.post(
        f"/evaluaciones/intento/{attempt.id}/1",
        data=MultiDict([*answer_form(aq).items(multi=True), ("go", "check")]),
    )
    page = client.get(f"/evaluaciones/intento/{attempt.id}/1").get_data(as_text=True)
    assert "Respuesta correcta:" in page
    db.session.refresh(aq)
    locked_answer = aq.answer
    client.post(f"/evaluaciones/intento/{attempt.id}/1", data=answer_form(aq, right=False))
    db.session.refresh(aq)
    assert aq.answer == locked_answer and aq.is_locked


def test_another_learners_attempt_is_404(quizzes, client, login, learner):
    from tests.factories import make_user

    login(learner)
    attempt = start(client)
    login(make_user("otra@ejemplo.hn"))
    for path in (
        f"/evaluaciones/intento/{attempt.id}/1",
        f"/evaluaciones/intento/{attempt.id}/resumen",
        f"/evaluaciones/intento/{attempt.id}/resultado",
    ):
        assert client.get(path).status_code == 404
    assert client.post(f"/evaluaciones/intento/{attempt.id}/enviar").status_code == 404


def test_english_attempt_shows_english_texts(quizzes, client, login, learner):
    learner.language = "en"
    db.session.commit()
    login(learner)
    attempt = start(client)
    position = next(q.position for q in attempt.questions if q.question_key == "plazo-estacion")
    page = client.get(f"/evaluaciones/intento/{attempt.id}/{position}").get_data(as_text=True)
    assert "15 working days" in page


def test_option_order_is_shuffled_but_scoring_is_not_affected(quizzes):
    from tests.factories import make_user

    quiz = quizzes["muestra-final"]
    orders = set()
    for seed in range(6):
        user = make_user(f"orden{seed}@ejemplo.hn")
        attempt = services.start_attempt(quiz, user, "es", random.Random(seed))
        db.session.flush()
        aq = next(q for q in attempt.questions if q.question_key == "plazo-estacion")
        orders.add(tuple(aq.snapshot["order"]))
        services.save_answer(attempt, aq, MultiDict({"a": "a"}))
        services.submit_attempt(attempt, user)
        assert aq.score == 1.0
    assert len(orders) > 1


def test_editing_a_question_never_changes_a_past_attempt(quizzes, learner, tmp_path, app):
    import shutil

    from tests.assessments.test_loader import DATA, edit

    attempt = services.start_attempt(quizzes["muestra-final"], learner, "es")
    services.submit_attempt(attempt, learner)
    db.session.commit()
    before = {aq.question_key: aq.snapshot for aq in attempt.questions}
    shutil.copytree(DATA, tmp_path / "a")
    edit(tmp_path / "a" / "banks" / "muestra.yaml", "36 horas", "treinta y seis horas")
    app.config["ASSESSMENTS_BANKS_DIR"] = str(tmp_path / "a" / "banks")
    banks, definitions = content_source.load()
    summary = services.sync_assessments(banks, definitions)
    db.session.commit()
    assert summary.new_question_versions == 1
    current = db.session.scalar(
        select(Question).where(Question.key == "plazo-estacion", Question.is_current)
    )
    assert current.version == 2
    db.session.refresh(attempt)
    assert {aq.question_key: aq.snapshot for aq in attempt.questions} == before


def test_sync_twice_is_a_no_op(quizzes):
    banks, definitions = content_source.load()
    summary = services.sync_assessments(banks, definitions)
    assert summary.new_questions == summary.new_question_versions == 0
    assert summary.new_assessment_versions == []


def test_final_grade_methods():
    class A:
        def __init__(self, percent):
            self.percent = percent

    attempts = [A(50.0), A(90.0), A(70.0)]
    assert services.final_grade(attempts, "highest") == 90.0
    assert services.final_grade(attempts, "first") == 50.0
    assert services.final_grade(attempts, "last") == 70.0
    assert services.final_grade(attempts, "average") == 70.0


def test_two_simultaneous_submits_grade_once(make_app, tmp_path):
    import threading

    from app.auth.models import User
    from app.seed import load_reference_data
    from assessments.models import Assessment
    from tests.factories import make_user

    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'quiz-race.db'}")
    with app.app_context():
        db.create_all()
        load_reference_data()
        banks, definitions = content_source.load()
        services.sync_assessments(banks, definitions)
        user = make_user("doble@ejemplo.hn")
        quiz = db.session.scalar(select(Assessment).filter_by(slug="muestra-final"))
        attempt = services.start_attempt(quiz, user, "es")
        for aq in attempt.questions:
            services.save_answer(attempt, aq, answer_form(aq))
        db.session.commit()
        ids = (attempt.id, user.id)
    results, sent = [], []

    def on_passed(sender, **kwargs):
        sent.append(kwargs["item_id"])

    def submit():
        with app.app_context():
            attempt = db.session.get(Attempt, ids[0])
            results.append(services.submit_attempt(attempt, db.session.get(User, ids[1])))
            db.session.commit()

    assessment_passed.connect(on_passed)
    try:
        threads = [threading.Thread(target=submit) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        assessment_passed.disconnect(on_passed)
    assert sorted(results) == [False, True]
    assert sent == ["muestra-final"]
    with app.app_context():
        choices = db.session.scalar(select(func.count()).select_from(AnswerChoice))
        assert choices == 4  # graded once: one row per chosen option, not two


def test_moving_through_the_side_list_keeps_the_saved_answer(quizzes, client, login, learner):
    login(learner)
    attempt = start(client)
    aq = attempt.questions[0]
    client.post(f"/evaluaciones/intento/{attempt.id}/1", data=answer_form(aq))
    db.session.refresh(aq)
    saved = aq.answer
    client.post(f"/evaluaciones/intento/{attempt.id}/1", data={"go": "goto-2"})
    db.session.refresh(aq)
    assert aq.answer == saved is not None


def test_the_page_never_shows_authored_ids(quizzes, client, login, learner):
    login(learner)
    attempt = start(client)
    for aq in attempt.questions:
        page = client.get(f"/evaluaciones/intento/{attempt.id}/{aq.position}").get_data(
            as_text=True
        )
        if aq.snapshot["type"] in ("single_choice", "multiple_response"):
            assert 'value="a"' not in page and 'value="b"' not in page
        if aq.snapshot["type"] in ("matching", "ordering"):
            assert 'name="a-a"' not in page and 'name="a-1"' not in page
            assert 'value="0"' not in page


def test_tokens_from_the_page_are_understood(quizzes, learner):
    attempt = services.start_attempt(quizzes["muestra-final"], learner, "es")
    aq = next(q for q in attempt.questions if q.question_key == "plazo-estacion")
    token = next(t for t, key in aq.snapshot["tokens"]["keys"].items() if key == "a")
    services.save_answer(attempt, aq, MultiDict({"a": token}))
    assert aq.answer == "a"


def test_unreadable_answers_are_refused_and_keep_the_previous_one(quizzes, client, login, learner):
    login(learner)
    attempt = start(client)
    position = next(q.position for q in attempt.questions if q.question_key == "horas-numerico")
    aq = attempt.questions[position - 1]
    client.post(f"/evaluaciones/intento/{attempt.id}/{position}", data={"a": "36"})
    response = client.post(
        f"/evaluaciones/intento/{attempt.id}/{position}",
        data={"a": "treinta y seis", "go": "next"},
        follow_redirects=True,
    )
    assert "Escriba un número" in response.get_data(as_text=True)
    db.session.refresh(aq)
    assert aq.answer == 36.0


def test_odd_navigation_values_are_harmless(quizzes, client, login, learner):
    login(learner)
    attempt = start(client)
    for go in ("goto-²", "goto-99999999999", "goto-0", "nada"):
        response = client.post(f"/evaluaciones/intento/{attempt.id}/1", data={"go": go})
        assert response.status_code == 302
    form = {"a-" + "x" * 50: "²", "a": "9" * 5000}
    assert client.post(f"/evaluaciones/intento/{attempt.id}/2", data=form).status_code == 302


def test_close_expired_grades_abandoned_attempts(quizzes, runner, learner):
    attempt = services.start_attempt(quizzes["muestra-final"], learner, "es")
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(hours=2)):
        result = runner.invoke(args=["assessments", "close-expired"])
    assert result.exit_code == 0, result.output
    db.session.refresh(attempt)
    assert attempt.submitted_at is not None and attempt.auto_submitted
