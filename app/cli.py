"""Core commands: `flask seed`, `flask translate …` and `flask content check|sync`."""

import subprocess  # noqa: S404 - runs pybabel, a fixed local program
import sys
from pathlib import Path

import click
from babel.messages.pofile import read_po, write_po
from flask.cli import AppGroup

from app.content_registry import content_sources
from app.extensions import db
from app.i18n import _, ngettext
from app.seed import load_demo_accounts, load_reference_data

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "app" / "translations"
POT = TRANSLATIONS / "messages.pot"


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also create the demo accounts (one per role).")
def seed_command(demo: bool):
    """Load offices and positions, and with --demo the demo accounts."""
    added = load_reference_data()
    accounts = load_demo_accounts() if demo else []
    db.session.commit()
    click.echo(_("Offices and positions added: %(count)d", count=added))
    if accounts:
        click.echo(_("Demo accounts (e-mail / password / roles):"))
        for account, created in accounts:
            roles = ", ".join(r.value for r in account.roles)
            state = _("created") if created else _("already there")
            click.echo(f"  {account.email:<24} {account.password:<26} {roles:<18} ({state})")
    if demo:
        from flask import current_app

        from app.signals import demo_seeded

        for _receiver, loaded in demo_seeded.send(current_app._get_current_object()):
            if loaded:
                db.session.commit()
                click.echo(_("Demo training requirements and staff history loaded."))


translate_cli = AppGroup("translate", help="Extract, update and compile the interface catalogs.")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)  # noqa: S603


@translate_cli.command("update")
def translate_update():
    """Extract strings and merge them into the es and en catalogs."""
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_ngettext:1,2",
        "--no-location",
        "--sort-output",
        "-o",
        str(POT),
        ".",
    )
    _pybabel(
        "update",
        "-i",
        str(POT),
        "-d",
        str(TRANSLATIONS),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
    fill_english_catalog()


@translate_cli.command("compile")
def translate_compile():
    """Compile the catalogs to .mo files."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


def fill_english_catalog() -> None:
    """English is the source language of the msgids: copy each msgid into an empty en msgstr."""
    path = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)


content_cli = AppGroup("content", help="Validate and load the shipped training content.")


@content_cli.command("check")
def content_check():
    """Validate every content source (courses, banks, scenarios) without touching the database."""
    failures = 0
    sources = content_sources()
    for source in sources:
        errors = source.check()
        for error in errors:
            click.echo(f"  {error}", err=True)
        failures += len(errors)
        click.echo(
            ngettext(
                "%(name)s: %(num)d problem",
                "%(name)s: %(num)d problems",
                len(errors),
                name=source.name,
            )
        )
    if not sources:
        click.echo(_("No content is shipped yet: nothing to check."))
    if failures:
        raise click.ClickException(
            ngettext(
                "The content has %(num)d problem.", "The content has %(num)d problems.", failures
            )
        )


@content_cli.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def content_export(folder: Path):
    """Write the content in the database back to FOLDER in the shipped file format."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in content_sources():
        if source.export is not None:
            click.echo(f"{source.name}: {source.export(folder / source.name)}")


@content_cli.command("sync")
@click.option(
    "--force",
    "force",
    multiple=True,
    metavar="SLUG",
    help="Load this item's files even though it was edited on the web (repeatable).",
)
def content_sync(force: tuple[str, ...]):
    """Load every content source into the database (new versions when content changed).

    Content edited on the web is never undone: its files are loaded only with --force.
    """
    sources = content_sources()
    for source in sources:
        summary = source.sync(force=frozenset(force))
        click.echo(f"{source.name}: {summary}")
    db.session.commit()
    if not sources:
        click.echo(_("No content is shipped yet: nothing to load."))
