"""The assessments' entry in `flask content check|sync` (banks and quizzes)."""

from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.content import ContentErrors
from app.content_registry import ContentSource
from app.extensions import db
from app.legal import registry
from assessments import services
from assessments.loader import BankDoc, DefinitionDoc, References, load_all
from assessments.models import Assessment

PACKAGE = Path(__file__).parent


def folders() -> tuple[Path, Path]:
    """(banks, definitions) folders: ASSESSMENTS_*_DIR or the package's own."""
    config = current_app.config
    return (
        Path(config.get("ASSESSMENTS_BANKS_DIR") or PACKAGE / "banks"),
        Path(config.get("ASSESSMENTS_DEFINITIONS_DIR") or PACKAGE / "definitions"),
    )


def load() -> tuple[list[BankDoc], list[DefinitionDoc]]:
    """Every bank and quiz, all-or-nothing."""
    banks, definitions = folders()
    return load_all(banks, definitions, References(legal_ids=frozenset(registry().provisions)))


def check() -> list[str]:
    """Problems in the banks and quizzes."""
    try:
        load()
    except ContentErrors as exc:
        return [str(error) for error in exc.errors]
    return []


def sync(force: frozenset[str] = frozenset()) -> str:
    """Load banks and quizzes into the database; banks edited on the web only with ``force``."""
    banks, definitions = load()
    return str(services.sync_assessments(banks, definitions, force))


def slugs() -> dict[str, frozenset[str]]:
    """Quiz slugs, which courses may list as items: the files' and those made on the web."""
    _banks, definitions = folders()
    found = {p.stem for p in definitions.glob("*.yaml")} if definitions.is_dir() else set()
    try:
        found |= set(
            db.session.scalars(
                select(Assessment.slug).where(
                    Assessment.source == "web", Assessment.web_definition.is_not(None)
                )
            )
        )
    except SQLAlchemyError:  # no database yet (e.g. `flask content check` before `db upgrade`)
        db.session.rollback()
    return {"assessment": frozenset(found)}


SOURCE = ContentSource("assessments", check=check, sync=sync, slugs=slugs, order=40)
