"""Sync, versions, enrolment and event-driven completion."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.content import ContentErrors
from app.extensions import db
from app.signals import assessment_passed, course_completed, lesson_completed
from courses import content_source, services
from courses.loader import load_all, load_course
from courses.models import Course, CourseVersion, Enrollment
from tests.courses.test_loader import REFS, SAMPLE, edit


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_sync_twice_is_a_no_op(app):
    first = services.sync_courses(content_source.load())
    db.session.commit()
    second = services.sync_courses(content_source.load())
    db.session.commit()
    assert first.created == ["muestra-consular"]
    assert second.unchanged == ["muestra-consular"] and not second.new_versions
    assert count(CourseVersion) == 1


def test_changed_lesson_creates_a_version_and_learners_keep_theirs(app, tmp_path, learner):
    root = tmp_path / "courses"
    shutil.copytree(SAMPLE, root / "muestra-consular")
    services.sync_courses(load_all(root, REFS))
    course = db.session.scalar(select(Course))
    enrollment = services.enroll(course, learner)
    db.session.commit()
    edit(root / "muestra-consular" / "lessons" / "02-acceso.md", "libremente", "libremente y")
    summary = services.sync_courses(load_all(root, REFS))
    db.session.commit()
    assert summary.new_versions == ["muestra-consular"]
    assert course.current_version.number == 2
    assert enrollment.version.number == 1
    old = services.version_as_dict(enrollment.version)["lessons"]["02-acceso"]["es"]["body"]
    assert "libremente y" not in old


def test_course_missing_from_files_is_retired_not_deleted(app, tmp_path):
    root = tmp_path / "courses"
    shutil.copytree(SAMPLE, root / "muestra-consular")
    services.sync_courses(load_all(root, REFS))
    summary = services.sync_courses([])
    db.session.commit()
    assert summary.retired == ["muestra-consular"]
    course = db.session.scalar(select(Course))
    assert course.retired_at is not None and count(CourseVersion) == 1


def test_export_after_sync_reproduces_the_shipped_meaning(app, tmp_path):
    shipped = content_source.load()
    services.sync_courses(shipped)
    db.session.commit()
    content_source.export(tmp_path)
    exported = load_all(tmp_path, REFS)
    assert [c.as_dict() for c in exported] == [c.as_dict() for c in shipped]


def test_enrol_twice_is_harmless(course, learner):
    first = services.enroll(course, learner)
    db.session.commit()
    assert services.enroll(course, learner).id == first.id
    assert count(Enrollment) == 1


def test_database_refuses_two_open_enrolments(course, learner):
    for _attempt in range(2):
        db.session.add(
            Enrollment(
                user_id=learner.id, course_id=course.id, course_version_id=course.current_version_id
            )
        )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_completion_follows_events_and_signals_once(course, learner):
    received = []

    def on_completed(sender, **kwargs):
        received.append(kwargs)

    lessons = []

    def on_lesson(sender, **kwargs):
        lessons.append(kwargs["item_id"])

    lesson_completed.connect(on_lesson)
    course_completed.connect(on_completed)
    try:
        enrollment = services.enroll(course, learner)
        required = [i for i in enrollment.version.items if not i.is_optional]
        for item in required:
            finished = services.complete_item(enrollment, item, learner)
        services.complete_item(enrollment, required[-1], learner)  # twice: no new signal
        db.session.commit()
    finally:
        course_completed.disconnect(on_completed)
        lesson_completed.disconnect(on_lesson)
    assert finished is True
    assert enrollment.completed_at is not None
    assert len(received) == 1
    assert received[0]["item_id"] == "muestra-consular" and received[0]["version"] == 1
    assert received[0]["user"].id == learner.id
    assert "01-notificacion" in lessons


def test_assessment_passed_signal_completes_the_assessment_item(app, tmp_path, learner):
    root = tmp_path / "courses"
    shutil.copytree(SAMPLE, root / "muestra-consular")
    edit(
        root / "muestra-consular" / "course.yaml",
        "      - lesson: 03-registro\n",
        "      - lesson: 03-registro\n      - assessment: examen-final\n",
    )
    refs = REFS.__class__(**{**REFS.__dict__, "assessments": frozenset({"examen-final"})})
    services.sync_courses([load_course(root / "muestra-consular", refs)])
    course = db.session.scalar(select(Course))
    enrollment = services.enroll(course, learner)
    for item in enrollment.version.items:
        if item.kind == "lesson" and not item.is_optional:
            services.complete_item(enrollment, item, learner)
    assert enrollment.completed_at is None
    assessment_passed.send(app, user=learner, item_id="examen-final", version=1)
    db.session.commit()
    assert enrollment.completed_at is not None


def test_retired_course_refuses_new_enrolments(course, learner):
    services.sync_courses([])
    with pytest.raises(services.CourseRetired):
        services.enroll(course, learner)


def test_content_path_defaults_to_the_package(app):
    app.config["COURSES_CONTENT_DIR"] = None
    assert content_source.content_root() == Path(content_source.__file__).with_name("content")


def test_enrolling_again_after_completion_keeps_the_completed_enrolment(course, learner):
    enrollment = services.enroll(course, learner)
    for item in enrollment.version.items:
        services.complete_item(enrollment, item, learner)
    db.session.commit()
    assert services.enroll(course, learner).id == enrollment.id
    retake = services.enroll(course, learner, retake=True)
    assert retake.id != enrollment.id and retake.completed_at is None


def test_sync_refuses_to_retire_every_course(app, course):
    app.config["COURSES_CONTENT_DIR"] = str(app.instance_path) + "/no-such-folder"
    with pytest.raises(ContentErrors, match="no existe"):
        content_source.sync()
    empty = Path(app.instance_path) / "empty-courses-test"
    empty.mkdir(exist_ok=True)
    app.config["COURSES_CONTENT_DIR"] = str(empty)
    with pytest.raises(ContentErrors, match="no se retirarán todos"):
        content_source.sync()
    empty.rmdir()
    assert course.retired_at is None


def test_export_replaces_stale_files(app, course, tmp_path):
    stale = tmp_path / "muestra-consular" / "lessons" / "03-registro.en.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("---\ntitle: Viejo\nobjectives: [x]\n---\n## Viejo\n\nTexto.\n")
    content_source.export(tmp_path)
    assert not stale.exists()
    assert [c.as_dict() for c in load_all(tmp_path, REFS)] == [
        c.as_dict() for c in content_source.load()
    ]


def test_concurrent_last_clicks_complete_the_course_once(make_app, tmp_path):
    import threading

    from app.seed import load_reference_data
    from tests.factories import make_user

    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'race.db'}")
    with app.app_context():
        db.create_all()
        load_reference_data()
        services.sync_courses(content_source.load())
        user = make_user("carrera@ejemplo.hn")
        course = db.session.scalar(select(Course))
        enrollment = services.enroll(course, user)
        required = [i for i in enrollment.version.items if not i.is_optional]
        for item in required[:-1]:
            services.complete_item(enrollment, item, user)
        db.session.commit()
        ids = (enrollment.id, required[-1].id, user.id)
    sent = []

    def on_completed(sender, **kwargs):
        sent.append(kwargs["item_id"])

    def click():
        from app.auth.models import User
        from courses.models import CourseItem

        with app.app_context():
            enrollment = db.session.get(Enrollment, ids[0])
            services.complete_item(
                enrollment, db.session.get(CourseItem, ids[1]), db.session.get(User, ids[2])
            )
            db.session.commit()

    course_completed.connect(on_completed)
    try:
        threads = [threading.Thread(target=click) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        course_completed.disconnect(on_completed)
    assert sent == ["muestra-consular"]


def test_quiz_passed_before_enrolling_counts(app, tmp_path, learner):
    from assessments import content_source as quiz_source
    from assessments import services as quiz_services
    from assessments.models import Assessment

    banks, definitions = quiz_source.load()
    quiz_services.sync_assessments(banks, definitions)
    quiz = db.session.scalar(select(Assessment).filter_by(slug="muestra-rapida"))
    attempt = quiz_services.start_attempt(quiz, learner, "es")
    for aq in attempt.questions:
        right = "a" if aq.question_key == "plazo-estacion" else "36"
        quiz_services.save_answer(attempt, aq, {"a": right})
    quiz_services.submit_attempt(attempt, learner)
    assert attempt.passed
    root = tmp_path / "courses"
    shutil.copytree(SAMPLE, root / "muestra-consular")
    edit(
        root / "muestra-consular" / "course.yaml",
        "      - lesson: 03-registro\n",
        "      - lesson: 03-registro\n      - assessment: muestra-rapida\n",
    )
    refs = REFS.__class__(**{**REFS.__dict__, "assessments": frozenset({"muestra-rapida"})})
    services.sync_courses([load_course(root / "muestra-consular", refs)])
    course = db.session.scalar(select(Course))
    enrollment = services.enroll(course, learner)
    done = {p.item_id for p in enrollment.progress if p.completed_at}
    quiz_item = next(i for i in enrollment.version.items if i.kind == "assessment")
    assert quiz_item.id in done
