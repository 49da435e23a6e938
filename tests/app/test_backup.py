"""`flask db backup`: a consistent online copy of a SQLite database, checked, never torn."""

import sqlite3
import threading

import pytest

from app.backup import BackupError, backup
from app.extensions import db


def make_db(path, rows: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, value TEXT)")
        conn.executemany(
            "INSERT INTO answers (value) VALUES (?)", [("x" * 200,) for _ in range(rows)]
        )


def test_a_copy_taken_while_someone_writes_is_one_consistent_database(tmp_path):
    source, target = tmp_path / "aula.db", tmp_path / "copias" / "aula.db"
    make_db(source, 5000)
    stop = threading.Event()

    def writer():
        with sqlite3.connect(source, timeout=30) as conn:
            while not stop.is_set():
                conn.execute("INSERT INTO answers (value) VALUES ('y')")
                conn.commit()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        pages = backup(source, target, pages_per_step=8)
    finally:
        stop.set()
        thread.join()
    assert pages > 100
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = copy.execute("SELECT count(*) FROM answers").fetchone()[0]
    assert count >= 5000
    assert not (target.with_name("aula.db.partial")).exists()


def test_the_command_copies_the_app_database_with_progress(make_app, tmp_path):
    database = tmp_path / "app.db"
    app = make_app(DATABASE_URL=f"sqlite:///{database}")
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "copia.db")])
    assert result.exit_code == 0, result.output
    assert "copia.db" in result.output
    with sqlite3.connect(tmp_path / "copia.db") as copy:
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "users" in tables


def test_the_command_refuses_postgres_and_memory_with_a_clear_message(make_app, tmp_path):
    app = make_app()
    result = app.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "pg_dump" in result.output or "memoria" in result.output


def test_a_copy_that_fails_its_check_is_not_left_behind(tmp_path, monkeypatch):
    source, target = tmp_path / "aula.db", tmp_path / "copia.db"
    make_db(source, 10)

    class Broken(sqlite3.Connection):
        def execute(self, sql, *args):
            if sql.startswith("PRAGMA integrity_check"):
                return super().execute("SELECT 'page 3: corrupt'")
            return super().execute(sql, *args)

    real_connect = sqlite3.connect
    monkeypatch.setattr(
        "app.backup.sqlite3.connect",
        lambda path, **kw: real_connect(path, factory=Broken, **kw),
    )
    with pytest.raises(BackupError):
        backup(source, target)
    assert not target.exists() and not target.with_name("copia.db.partial").exists()
