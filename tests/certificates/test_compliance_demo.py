"""`flask seed --demo` after the shipped content: a dashboard with a real mix of statuses."""

from collections import Counter

from sqlalchemy import func, select

from app.extensions import db
from app.seed import load_reference_data
from certificates.compliance import queries, services
from certificates.compliance.models import Requirement


def test_demo_seed_loads_rules_staff_and_history_once(make_app):
    app = make_app(
        COURSES_CONTENT_DIR=None,
        ASSESSMENTS_BANKS_DIR=None,
        ASSESSMENTS_DEFINITIONS_DIR=None,
        CASE_SIMULATIONS_DIR=None,
    )
    with app.app_context():
        db.create_all()
        load_reference_data()
        db.session.commit()
        runner = app.test_cli_runner()
        assert runner.invoke(args=["content", "sync"]).exit_code == 0
        first = runner.invoke(args=["seed", "--demo"])
        assert first.exit_code == 0, first.output
        assert db.session.scalar(select(func.count()).select_from(Requirement)) == 4
        rows = queries.rows_on(services.today(), queries.load_facts())
        statuses = Counter(r.standing.status for r in rows)
        for status in ("certified", "due_soon", "expired", "overdue", "waived", "not_started"):
            assert statuses[status], (status, statuses)
        trend = queries.trend(queries.load_facts(), queries.month_ends(services.today()))
        assert trend[0][2] > 0  # a year ago people were already assigned
        again = runner.invoke(args=["seed", "--demo"])
        assert again.exit_code == 0
        assert db.session.scalar(select(func.count()).select_from(Requirement)) == 4
        client = app.test_client()
        client.post(
            "/cuenta/entrar",
            data={"email": "rrhh@ejemplo.hn", "password": "Roatan-Arrecife-Pino-38"},
        )
        page = client.get("/rrhh/").get_data(as_text=True)
        assert "Rosa Elvir" in page or "Wilmer Cruz" in page
