"""The migration history builds the schema the models describe, on SQLite and PostgreSQL."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from tests.conftest import make_config


@pytest.fixture
def migration_url(database_url, tmp_path):
    """A fresh, empty database: a file for SQLite, a new schema for PostgreSQL."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    schema = f"aula_mig_{uuid.uuid4().hex[:10]}"
    base = make_url(database_url).difference_update_query(["options"])
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def test_upgrade_head_matches_models_and_downgrades_cleanly(migration_url):
    app = create_app(make_config(DATABASE_URL=migration_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        if db.engine.dialect.name == "postgresql":
            _assert_audit_log_is_append_only_in_the_database()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_single_linear_history():
    from alembic.script import ScriptDirectory

    app = create_app(make_config())
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1


def _assert_audit_log_is_append_only_in_the_database():
    """On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of audit events."""
    from sqlalchemy.exc import DBAPIError

    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_events (occurred_at, action, details) "
                "VALUES (now(), 'test.event', '{}')"
            )
        )
    for statement in (
        "UPDATE audit_events SET action = 'forged'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
