"""`flask assessments …`: GIFT import and export for question banks (files under banks/)."""

from pathlib import Path

import click
import yaml
from flask.cli import AppGroup

from app.content import ContentErrors
from app.i18n import _, ngettext
from app.legal import registry
from assessments import gift
from assessments.content_source import folders
from assessments.loader import References, load_bank

assessments_cli = AppGroup("assessments", help="Question banks: GIFT import and export.")


def _bank_path(slug: str) -> Path:
    banks, _definitions = folders()
    return banks / f"{slug}.yaml"


@assessments_cli.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bank", "bank_slug", required=True, help="Bank for questions outside a $CATEGORY.")
@click.option("--valid-only", is_flag=True, help="Import the valid questions even if others fail.")
def import_gift(file: Path, bank_slug: str, valid_only: bool):
    """Import a GIFT file into bank files; nothing is written if anything is wrong."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(_("%(file)s is not UTF-8 text.", file=file.name)) from exc
    questions, problems = gift.parse(text, gift.slugify(bank_slug))
    for problem in problems:
        click.echo(f"{file.name}: {problem}", err=True)
    if problems and not valid_only:
        raise click.ClickException(
            ngettext(
                "%(num)d problem: nothing was imported (use --valid-only to import the "
                "valid questions).",
                "%(num)d problems: nothing was imported (use "
                "--valid-only to import the valid questions).",
                len(problems),
            )
        )
    by_bank: dict[str, list[dict]] = {}
    for question in questions:
        by_bank.setdefault(question.bank or bank_slug, []).append(question.data)
    written = {}
    try:
        for slug, entries in by_bank.items():
            written[slug] = _merge(slug, entries)
    except (ContentErrors, click.ClickException):
        for path, original in written.values():  # all-or-nothing across banks
            if original is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(original, encoding="utf-8")
        raise
    for slug, entries in by_bank.items():
        click.echo(_("%(bank)s: %(count)d question(s) imported", bank=slug, count=len(entries)))
    if problems:
        click.echo(
            ngettext(
                "%(num)d question was not imported.",
                "%(num)d questions were not imported.",
                len(problems),
            )
        )


def _merge(slug: str, entries: list[dict]) -> tuple[Path, str | None]:
    """Add ``entries`` to the bank file, validate it, and return (path, previous text)."""
    path = _bank_path(slug)
    original = path.read_text(encoding="utf-8") if path.exists() else None
    data = yaml.safe_load(original) if original else {"slug": slug, "title": slug, "questions": []}
    existing = {q["id"] for q in data.get("questions", [])}
    clashes = sorted(existing & {e["id"] for e in entries})
    if clashes:
        raise click.ClickException(
            _(
                "%(bank)s already has questions with these ids: %(ids)s",
                bank=slug,
                ids=", ".join(clashes),
            )
        )
    data["questions"] = list(data.get("questions", [])) + entries
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )
    try:
        load_bank(path, References(legal_ids=frozenset(registry().provisions)))
    except ContentErrors as exc:
        if original is None:
            path.unlink()
        else:
            path.write_text(original, encoding="utf-8")
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(_("The bank would not be valid: nothing was imported.")) from exc
    return path, original


@assessments_cli.command("export-gift")
@click.argument("slug")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
def export_gift(slug: str, out: Path | None):
    """Write a bank (Spanish) as GIFT; ordering questions, which GIFT cannot hold, are listed."""
    path = _bank_path(slug)
    if not path.exists():
        raise click.ClickException(_("Unknown bank: %(slug)s", slug=slug))
    try:
        bank = load_bank(path)
    except ContentErrors as exc:
        raise click.ClickException(str(exc)) from exc
    questions = [
        {
            "id": q.id,
            "tags": list(q.tags),
            "difficulty": q.difficulty,
            "legal_refs": list(q.legal_refs),
            **q.spec_es,
        }
        for q in bank.questions
    ]
    text, skipped = gift.export(bank.slug, questions)
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text)
    for qid in skipped:
        click.echo(
            _("%(id)s: GIFT cannot express this question type; not exported.", id=qid), err=True
        )


@assessments_cli.command("close-expired")
def close_expired():
    """Grade attempts whose time ran out while nobody was looking (run it from cron)."""
    from sqlalchemy import select

    from app.auth.models import User
    from app.extensions import db
    from assessments import services
    from assessments.models import Attempt

    due = list(
        db.session.scalars(
            select(Attempt).where(
                Attempt.submitted_at.is_(None), Attempt.deadline_at < services.utcnow()
            )
        )
    )
    closed = 0
    with click.progressbar(due, label=_("Closing attempts")) as attempts:
        for attempt in attempts:
            closed += services.submit_attempt(
                attempt, db.session.get(User, attempt.user_id), automatic=True
            )
    db.session.commit()
    click.echo(ngettext("%(num)d attempt closed.", "%(num)d attempts closed.", closed))
