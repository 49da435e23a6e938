"""Browser fixtures: the app served on loopback, driven by Debian's Chromium via Playwright.

Playwright's own browser download cannot work here, so the launch uses ``executable_path``.
"""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.seed import load_reference_data
from assessments import content_source as quiz_source
from assessments import services as quiz_services
from case_simulations import content_source as simulation_source
from case_simulations import services as simulation_services
from courses import content_source, services
from tests.conftest import make_config
from tests.factories import make_user

CHROMIUM = os.environ.get("AULA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium, offline-friendly and without a sandbox (CI runs as root)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A Spanish-speaking visitor on a laptop screen."""
    return {**browser_context_args, "locale": "es-MX", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def served_app(tmp_path):
    """The app with a file SQLite database, the sample course, quizzes, scenarios and users."""
    app = create_app(
        make_config(
            DATABASE_URL=f"sqlite:///{tmp_path / 'aula.db'}",
            MAIL_FILE_PATH=str(tmp_path / "outbox"),
            CERTIFICATES_DIR=str(tmp_path / "certificates"),
            CERTIFICATES_KEY_PATH=str(tmp_path / "keys" / "issuer.pem"),
            WTF_CSRF_ENABLED=True,
            TESTING=False,
        )
    )
    with app.app_context():
        db.create_all()
        load_reference_data()
        services.sync_courses(content_source.load())
        quiz_services.sync_assessments(*quiz_source.load())
        simulation_services.sync_scenarios(simulation_source.load())
        make_user("navegador@ejemplo.hn", display_name="Rosa Navegadora")
        make_user("reader@ejemplo.hn", display_name="Ruth Reader", language="en")
        make_user("formadora@ejemplo.hn", display_name="Marta Formadora", roles={"trainer"})
        make_user("revisora@ejemplo.hn", display_name="Inés Revisora", roles={"trainer"})
        make_user("rrhh@ejemplo.hn", display_name="Lucía Personal", roles={"hr"}, position=None)
        make_user("admin@ejemplo.hn", display_name="Ana Admin", roles={"admin"}, position=None)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_server(served_app):
    """``served_app`` on a free loopback port (a thread of this process)."""
    server = make_server("127.0.0.1", 0, served_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
