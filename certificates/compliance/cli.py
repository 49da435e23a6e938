"""`flask hr …`: reminders (for cron) and staff import."""

from datetime import date

import click
from flask.cli import AppGroup

from app.i18n import _
from certificates.compliance import reminders, services

hr_cli = AppGroup("hr", help="Human resources: training reminders and staff import.")


@hr_cli.command("send-reminders")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Act as if today were this day (YYYY-MM-DD).",
)
@click.option("--dry-run", is_flag=True, help="List what would be sent; send nothing.")
def send_reminders_command(day, dry_run: bool):
    """Send due training reminders. Safe from cron, any number of times: none is sent twice."""
    when: date = day.date() if day else services.today()
    if dry_run:
        outcome = reminders.send_reminders(when, dry_run=True)
        for reminder in outcome.planned or []:
            click.echo(
                f"{reminder.rung}\tassignment={reminder.assignment_id}\t"
                f"to={reminder.recipient_id}{' (manager)' if reminder.manager_copy else ''}"
            )
        click.echo(
            _(
                "%(count)d reminders would be sent; %(already)d were sent before.",
                count=len(outcome.planned or []),
                already=outcome.already_sent,
            )
        )
        return

    def progress(items):
        with click.progressbar(items, label=_("Sending reminders")) as bar:
            yield from bar

    outcome = reminders.send_reminders(when, progress=progress)
    click.echo(
        _(
            "Sent %(sent)d reminders and %(copies)d copies to managers; "
            "%(already)d had been sent before; %(failed)d failed (retried next run).",
            sent=outcome.sent,
            copies=outcome.manager_copies,
            already=outcome.already_sent,
            failed=outcome.failed,
        )
    )
    if outcome.failed:
        raise SystemExit(1)


@hr_cli.command("refresh")
def refresh_command():
    """Recompute compliance on the next page view (after changing data outside the app)."""
    from certificates.compliance import cache

    cache.bump(history=True)
    cache.clear()
    click.echo(_("Compliance will be recomputed on the next page view."))
