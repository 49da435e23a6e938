"""`flask courses report`: what the shipped lessons contain and what is still to verify."""

import click
from flask.cli import AppGroup

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
