"""The assessments' entry in `flask content check|sync` (banks and quizzes)."""

from pathlib import Path

from flask import current_app

from app.content import ContentErrors
from app.content_registry import ContentSource
from app.legal import registry
from assessments import services
from assessments.loader import BankDoc, DefinitionDoc, References, load_all

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
    """Quiz slugs, which courses may list as items."""
    _banks, definitions = folders()
    if not definitions.is_dir():
        return {"assessment": frozenset()}
    return {"assessment": frozenset(p.stem for p in definitions.glob("*.yaml"))}


SOURCE = ContentSource("assessments", check=check, sync=sync, slugs=slugs, order=40)
