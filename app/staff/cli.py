"""`flask staff import FILE…`: the same all-or-nothing import as the upload page."""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db
from app.i18n import _
from app.staff import importer

staff_cli = AppGroup("staff", help="Staff: import people, offices and positions from CSV.")


@staff_cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and show what would change; change nothing.")
@click.option(
    "--deactivate-missing",
    is_flag=True,
    help="Deactivate active people of the files' offices who are not listed.",
)
def import_command(files: tuple[str, ...], dry_run: bool, deactivate_missing: bool):
    """Import CSV files of people, offices and positions: all rows or none."""
    sources = [importer.Source(Path(f).name, Path(f).read_bytes()) for f in files]
    plan = importer.plan(sources, None, deactivate_missing=deactivate_missing)
    for error in plan.errors:
        click.echo(str(error), err=True)
    if not plan.ok:
        raise click.ClickException(
            _("%(count)d errors; nothing was changed.", count=len(plan.errors))
        )
    for row in plan.rows:
        if row.action != "unchanged":
            changes = ", ".join(f"{k}: {v[0]} → {v[1]}" for k, v in row.changes.items())
            click.echo(f"{row.file}:{row.line}\t{row.action}\t{row.key}\t{changes}")
    for user in plan.missing:
        click.echo(f"-\tdeactivate\t{user.email}\t" + _("not in the file"))
    summary = {
        "created": plan.count("create"),
        "updated": plan.count("update"),
        "deactivated": plan.count("deactivate"),
        "unchanged": plan.count("unchanged"),
    }
    if dry_run:
        click.echo(
            _(
                "Dry run: %(created)d to create, %(updated)d to update, %(deactivated)d "
                "to deactivate, %(unchanged)d unchanged. Nothing was changed.",
                **summary,
            )
        )
        return

    def progress(rows):
        with click.progressbar(rows, label=_("Importing")) as bar:
            yield from bar

    try:
        result = importer.apply(plan, None, progress=progress, files=[s.name for s in sources])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(result.summary())
