"""Simulation fixtures: the sample scenario synced, its rules, and helpers to play a run."""

from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.legal import registry
from case_simulations import content_source, services
from case_simulations.engine import Scenario as Rules
from case_simulations.loader import References, load_scenario
from case_simulations.models import Scenario
from case_simulations.vocab import rubric, vocabulary

SAMPLE = (
    Path(__file__).parents[1] / "data" / "case_simulations" / "scenarios" / "muestra-reten.yaml"
)
BEST = ["a-solas", "explicar-consentimiento", "abierta", "describir", "preguntar-temor", "pasos"]
CARELESS = ["con-acompanante", "directo", "dirigida", "cuantos", "ofrecer-retorno", "promesa"]


def references() -> References:
    """What the sample may cite."""
    return References(
        vocabulary=vocabulary(), rubric=rubric(), legal_ids=frozenset(registry().provisions)
    )


@pytest.fixture(scope="session")
def sample_doc():
    """The sample scenario, loaded and validated (no app needed)."""
    return load_scenario(SAMPLE, references())


@pytest.fixture(scope="session")
def rules(sample_doc):
    """The engine's view of the sample (Spanish data)."""
    return Rules(sample_doc.data_es)


@pytest.fixture
def scenario(app):
    """The sample scenario synced into the database."""
    services.sync_scenarios(content_source.load())
    db.session.commit()
    return db.session.scalar(select(Scenario).filter_by(slug="muestra-reten"))
