"""Runs under concurrency: two requests at the same step move once; two submits score once.

On PostgreSQL (TEST_DATABASE_URL) these run against it; otherwise against a SQLite file.
"""

from sqlalchemy import func, select

from app.audit import AuditEvent
from app.auth.models import User
from app.extensions import db
from app.seed import load_reference_data
from case_simulations import content_source, services
from case_simulations.models import Scenario, SimulationRun
from case_simulations.record import model_record
from case_simulations.vocab import vocabulary
from tests.case_simulations.conftest import BEST
from tests.conftest import run_together
from tests.factories import make_user


def test_two_requests_at_the_same_step_move_once(race_app):
    app = race_app
    with app.app_context():
        db.create_all()
        load_reference_data()
        services.sync_scenarios(content_source.load())
        user = make_user("carrera@ejemplo.hn")
        scenario = db.session.scalar(select(Scenario).filter_by(slug="muestra-reten"))
        run = services.start_run(scenario, user)
        services.move(run, 0, None)  # past the opening narrative
        db.session.commit()
        run_id = run.id
    results = []

    def click():
        with app.app_context():
            run = db.session.get(SimulationRun, run_id)
            results.append(services.move(run, 1, "a-solas"))
            db.session.commit()

    run_together(click)
    assert sorted(results) == [False, True]
    with app.app_context():
        run = db.session.get(SimulationRun, run_id)
        assert run.step == 2 and run.state["chosen"] == ["a-solas"]


def test_two_simultaneous_submits_score_once(race_app):
    app = race_app
    with app.app_context():
        db.create_all()
        load_reference_data()
        services.sync_scenarios(content_source.load())
        user = make_user("doble-envio@ejemplo.hn")
        scenario = db.session.scalar(select(Scenario).filter_by(slug="muestra-reten"))
        run = services.start_run(scenario, user)
        for step in range(20):
            if run.status == "record":
                break
            node = run.version.data_es["nodes"][run.state["node"]]
            choice = next((c["id"] for c in node.get("choices", []) if c["id"] in BEST), None)
            services.move(run, step, choice)
        db.session.commit()
        rules = services.run_scenario(run)
        record = model_record(rules, run.state["revealed"], vocabulary())
        ids = (run.id, user.id)
    results = []

    def submit():
        with app.app_context():
            run = db.session.get(SimulationRun, ids[0])
            results.append(services.submit_run(run, record))
            db.session.commit()

    run_together(submit)
    assert sorted(results) == [False, True]
    with app.app_context():
        run = db.session.get(SimulationRun, ids[0])
        assert run.status == "submitted" and run.auto_points == run.auto_max
        reviewer = make_user("revisor-carrera@ejemplo.hn", roles={"trainer"})
        services.review_run(
            run, reviewer, {"C8": 3, "C10": 3, "C11": 3, "C12": 3}, "Registro completo.", None
        )
        db.session.commit()
        assert db.session.get(User, ids[1]) is not None
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "simulation.reviewed")
            )
            == 1
        )
