"""`flask courses report|pack`: lesson contents and what is still to verify; content packs."""

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.i18n import _
from courses.content_source import content_root
from courses.loader import discover_courses, load_course

courses_cli = AppGroup("courses", help="Course content tools.")


@courses_cli.command("report")
def report():
    """Print, per lesson, word counts, legal references and facts pending verification."""
    click.echo(_("# Shipped course content"))
    for folder in discover_courses(content_root()):
        course = load_course(folder)
        click.echo(f"\n## {course.code} — {course.title.es}\n")
        for _module, item in course.items:
            if item.kind != "lesson":
                continue
            lesson = course.lessons[item.ref]
            english = len(lesson.en.body.split()) if lesson.en else 0
            click.echo(
                _(
                    "- **%(key)s**: %(es)d words (es), %(en)d (en); references: %(refs)s",
                    key=item.ref,
                    es=len(lesson.es.body.split()),
                    en=english,
                    refs=", ".join(lesson.legal_refs),
                )
            )
            for note in lesson.review_notes:
                click.echo(f"  - {note}")


@courses_cli.command("pack")
@click.argument("slug")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def pack(slug: str, out: Path):
    """Write a course's content pack (ZIP in the on-disk format) to OUT."""
    from courses.authoring import packs  # imported here: it reaches into every domain package
    from courses.models import Course

    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise click.ClickException(_("No course with that short name."))
    try:
        data = packs.export(course)
    except DomainError as exc:
        raise click.ClickException(str(exc.message)) from exc
    out.write_bytes(data)
    click.echo(_("%(file)s: %(size)d bytes", file=str(out), size=len(data)))
