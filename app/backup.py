"""`flask db backup`: a consistent copy of a SQLite database while the app keeps serving.

SQLite's online backup API copies the pages under a read lock, page batch by page batch, so a
copy taken while people write is still one consistent database (never a torn file, unlike
`cp`). PostgreSQL installations use `pg_dump` (docs/deployment.md); the command says so.
"""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from app.extensions import db
from app.i18n import _


class BackupError(click.ClickException):
    """A backup that cannot be made here (shown to the operator, exit status 1)."""


def sqlite_path() -> Path:
    """The file of the app's SQLite database."""
    url = make_url(str(db.engine.url))
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            _("This installation runs on PostgreSQL: back it up with pg_dump (docs/deployment.md).")
        )
    if not url.database or url.database == ":memory:":
        raise BackupError(_("The database is in memory: there is no file to copy."))
    return Path(url.database)


def backup(source: Path, target: Path, pages_per_step: int = 256, progress=None) -> int:
    """Copy ``source`` into ``target`` online; returns the pages copied. Checks the copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    copied = 0
    with (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src,
        sqlite3.connect(partial) as dst,
    ):

        def step(status, remaining, total):
            nonlocal copied
            copied = total - remaining
            if progress:
                progress(copied, total)

        src.backup(dst, pages=pages_per_step, progress=step)
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(_("The copy failed its integrity check: %(result)s", result=check))
    partial.replace(target)
    return copied


@click.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path | None):
    """Copy the SQLite database to TARGET (default: instance/backups/aula-<time>.db)."""
    source = sqlite_path()
    if target is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = Path(current_app.instance_path) / "backups" / f"aula-{stamp}.db"
    with click.progressbar(length=100, label=_("Copying the database")) as bar:
        done = [0]

        def progress(copied, total):
            percent = int(copied * 100 / total) if total else 100
            bar.update(percent - done[0])
            done[0] = percent

        pages = backup(source, target, progress=progress)
        bar.update(100 - done[0])
    click.echo(
        _(
            "Backup written: %(path)s (%(pages)d pages, integrity checked).",
            path=target,
            pages=pages,
        )
    )
