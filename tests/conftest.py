"""Fixtures: an app per test on SQLite in memory, or on PostgreSQL when TEST_DATABASE_URL is set.

On PostgreSQL the suite works in a schema of its own, created at the start and dropped at the
end, so the database is left as it was found.
"""

import os
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.config import TestingConfig
from app.extensions import db as _db
from app.seed import load_reference_data
from tests.factories import make_user

DATA = Path(__file__).with_name("data")


def make_config(**overrides) -> dict:
    """TestingConfig as a mapping (content from tests/data), with ``overrides`` on top."""
    values = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    values["COURSES_CONTENT_DIR"] = str(DATA / "courses")
    values["ASSESSMENTS_BANKS_DIR"] = str(DATA / "assessments" / "banks")
    values["ASSESSMENTS_DEFINITIONS_DIR"] = str(DATA / "assessments" / "definitions")
    values["CASE_SIMULATIONS_DIR"] = str(DATA / "case_simulations" / "scenarios")
    values.update(overrides)
    return values


class FreshContextClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Without it, requests would reuse the test's app context and share ``g`` (and with it
    Flask-Login's and Flask-Babel's per-request caches) across requests.
    """

    def open(self, *args, **kwargs):
        """Send the request inside a fresh app context."""
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url():
    """The database the suite runs on: a private PostgreSQL schema, or SQLite in memory."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield "sqlite://"
        return
    schema = f"aula_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    # A lock wait longer than 10 s means a test left a transaction open: fail, don't hang.
    url = make_url(base).update_query_dict(
        {"options": f"-csearch_path={schema} -clock_timeout=10s"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build app instances with extra config; each gets tables and reference data."""
    created = []

    def factory(**overrides):
        settings = {
            "DATABASE_URL": database_url,
            "MAIL_FILE_PATH": str(tmp_path / "outbox"),
            "CERTIFICATES_DIR": str(tmp_path / "certificates"),
            "CERTIFICATES_KEY_PATH": str(tmp_path / "keys" / "issuer.pem"),
            "STAFF_IMPORT_DIR": str(tmp_path / "imports"),
            "COURSE_IMAGES_DIR": str(tmp_path / "course-images"),
        }
        app = create_app(make_config(**{**settings, **overrides}))
        app.test_client_class = FreshContextClient
        created.append(app)
        return app

    yield factory
    for app in created:
        with app.app_context():
            _db.session.remove()
            if _db.engine.dialect.name != "sqlite":
                # One TRUNCATE empties every table, cycles (courses ↔ versions) included.
                names = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
                with _db.engine.begin() as conn:
                    conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            _db.engine.dispose()


@pytest.fixture
def race_app(make_app, database_url, tmp_path):
    """An app whose database several threads can share: PostgreSQL, or a SQLite file."""
    if database_url.startswith("sqlite"):
        return make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'race.db'}")
    return make_app()


def run_together(target, count: int = 2) -> None:
    """Run ``target`` in ``count`` threads at once and wait for all of them."""
    import threading

    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.fixture
def app(make_app):
    """The application, inside an app context, with tables and offices ready."""
    app = make_app()
    with app.app_context():
        _db.create_all()
        load_reference_data()
        _db.session.commit()
        yield app


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def learner(app):
    """A learner in Tapachula."""
    return make_user("participante@ejemplo.hn", roles={"learner"}, office="tapachula")


@pytest.fixture
def trainer(app):
    """A trainer."""
    return make_user("formadora@ejemplo.hn", roles={"trainer"}, office="dgphm")


@pytest.fixture
def hr_user(app):
    """A human-resources user."""
    return make_user("personal@ejemplo.hn", roles={"hr"}, office="dgphm")


@pytest.fixture
def admin(app):
    """An administrator."""
    return make_user("jefa@ejemplo.hn", roles={"admin"}, office="dgphm")


@pytest.fixture
def login(client):
    """Log a user in by setting the Flask-Login session (the real form is tested separately)."""

    def do_login(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return do_login


@pytest.fixture
def outbox(app):
    """Read the e-mails the file backend wrote: a list of email.message.Message."""
    from tests.factories import read_outbox

    return lambda: read_outbox(app.config["MAIL_FILE_PATH"])


@pytest.fixture
def redis_url() -> str:
    """The Redis the tests may use (TEST_REDIS_URL, or the local one)."""
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_client(redis_url):
    """A connection to that Redis; required on CI, skipped elsewhere when it does not answer."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(redis_url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required on CI ({redis_url})")
        pytest.skip("Redis not reachable")
    yield client
    client.close()
