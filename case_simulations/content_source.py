"""The simulations' entry in `flask content check|sync` (scenarios, vocabularies, rubric)."""

from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.content import ContentError, ContentErrors
from app.content_registry import ContentSource
from app.extensions import db
from app.legal import registry
from app.seed import REFERENCE_FILE
from case_simulations import services
from case_simulations.checks import Analysis, analyse
from case_simulations.loader import References, ScenarioDoc, discover, load_all
from case_simulations.models import Scenario
from case_simulations.vocab import rubric, vocabulary

PACKAGE_SCENARIOS = Path(__file__).with_name("scenarios")


def folder() -> Path:
    """Where scenario files live: CASE_SIMULATIONS_DIR, or the package's scenarios/ folder."""
    return Path(current_app.config.get("CASE_SIMULATIONS_DIR") or PACKAGE_SCENARIOS)


def references() -> References:
    """What scenarios may cite: vocabularies, rubric, legal references and offices."""
    offices = yaml.safe_load(REFERENCE_FILE.read_text(encoding="utf-8"))["offices"]
    return References(
        vocabulary=vocabulary(),
        rubric=rubric(),
        legal_ids=frozenset(registry().provisions),
        offices=frozenset(o["code"] for o in offices),
    )


def load(only: str | None = None) -> list[tuple[ScenarioDoc, Analysis]]:
    """Every scenario (or the one named ``only``) with its graph and key analysis.

    :raises ContentErrors: listing every problem of every file; nothing is loaded.
    """
    refs = references()
    docs = load_all(folder(), refs)
    if only is not None:
        docs = [d for d in docs if d.slug == only or str(d.path) == only]
    analysed, errors = [], []
    for doc in docs:
        analysis = analyse(doc, refs.vocabulary, refs.rubric)
        errors.extend(analysis.errors)
        analysed.append((doc, analysis))
    if errors:
        raise ContentErrors(errors)
    return analysed


def check() -> list[str]:
    """Problems in the scenarios (and in the vocabularies and rubric they rely on)."""
    try:
        load()
    except ContentErrors as exc:
        return [str(error) for error in exc.errors]
    except ContentError as exc:
        return [str(exc)]
    return []


def sync(force: frozenset[str] = frozenset()) -> str:
    """Load scenarios into the database (a changed scenario becomes a new version).

    Scenarios published on the web are left alone unless their slug is in ``force``.
    """
    return str(services.sync_scenarios(load(), force))


def slugs() -> dict[str, frozenset[str]]:
    """Scenario slugs that courses may list: the files' and those published on the web."""
    found = {p.stem for p in discover(folder())}
    try:
        found |= set(
            db.session.scalars(select(Scenario.slug).where(Scenario.web_files.is_not(None)))
        )
    except SQLAlchemyError:  # no database yet (e.g. `flask content check` before `db upgrade`)
        db.session.rollback()
    return {"simulation": frozenset(found)}


SOURCE = ContentSource("case_simulations", check=check, sync=sync, slugs=slugs, order=45)
