"""The courses' entry in `flask content check|sync|export`."""

import shutil
from pathlib import Path

import click
import yaml
from flask import current_app
from sqlalchemy import func, select

from app.content import ContentError, ContentErrors
from app.content_registry import ContentSource, known_slugs
from app.extensions import db
from app.i18n import _l
from app.legal import registry
from app.seed import REFERENCE_FILE
from courses import services
from courses.loader import CourseDoc, References, discover_courses, dump_course, load_all
from courses.models import Course

PACKAGE_CONTENT = Path(__file__).with_name("content")
DRAFTS = Path(__file__).with_name("drafts")


def content_root() -> Path:
    """Where course folders live: COURSES_CONTENT_DIR, or the package's content/ folder."""
    return Path(current_app.config.get("COURSES_CONTENT_DIR") or PACKAGE_CONTENT)


def references() -> References:
    """What course files may cite: legal ids, positions, assessments and simulations."""
    positions = yaml.safe_load(REFERENCE_FILE.read_text(encoding="utf-8"))["positions"]
    return References(
        legal_ids=frozenset(registry().provisions),
        assessments=known_slugs("assessment"),
        simulations=known_slugs("simulation"),
        positions=frozenset(p["code"] for p in positions),
    )


def check() -> list[str]:
    """Validate every course folder; return the problems."""
    try:
        load_all(content_root(), references())
    except ContentErrors as exc:
        return [str(error) for error in exc.errors]
    return []


def load() -> list[CourseDoc]:
    """Load every course (all-or-nothing).

    :raises ContentErrors: also when a configured content folder does not exist.
    """
    root = content_root()
    if not root.is_dir() and root != PACKAGE_CONTENT:
        raise ContentErrors(
            [ContentError(root, _l("the course folder does not exist (COURSES_CONTENT_DIR)"))]
        )
    return load_all(root, references())


def sync(force: frozenset[str] = frozenset()) -> str:
    """Load the course files into the database, with a progress bar.

    Refuses to retire every course at once: an empty folder is far likelier a wrong path
    than a decision to withdraw the whole catalogue. Courses edited on the web are left
    alone unless their slug is in ``force``.
    """
    docs = load()
    offered = db.session.scalar(
        select(func.count())
        .select_from(Course)
        .where(Course.retired_at.is_(None), Course.source == "files")
    )
    if not docs and offered:
        raise ContentErrors(
            [
                ContentError(
                    content_root(),
                    _l(
                        "no course found here while %(count)d are offered: "
                        "refusing to retire them all",
                        count=offered,
                    ),
                )
            ]
        )
    with click.progressbar(length=len(docs), label="courses", file=None) as bar:
        summary = services.sync_courses(docs, on_course=lambda doc: bar.update(1), force=force)
    return str(summary)


def export(folder: Path) -> str:
    """Write the current version of every offered course to ``folder``."""
    courses = list(
        db.session.scalars(
            select(Course).where(
                Course.retired_at.is_(None), Course.current_version_id.is_not(None)
            )
        )
    )
    for course in courses:
        target = folder / course.slug
        if target.exists():
            shutil.rmtree(target)  # stale files (an old .en.md) would change the meaning
        dump_course(services.version_as_dict(course.current_version), target)
    return str(len(courses))


SOURCE = ContentSource(
    "courses",
    check=check,
    sync=sync,
    export=export,
    order=50,
    slugs=lambda: {"course": frozenset(p.name for p in discover_courses(content_root()))},
)
