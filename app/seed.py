"""Reference data (offices, positions) and the demo organisation's accounts, both idempotent."""

from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import select

from app.audit import record_event
from app.auth import services as auth_services
from app.auth.models import Office, Position
from app.extensions import db
from app.security import Role

REFERENCE_FILE = Path(__file__).with_name("reference_data.yaml")


@dataclass(frozen=True)
class DemoAccount:
    """A demo login printed by `make run` (fictional people)."""

    email: str
    password: str
    display_name: str
    roles: tuple[Role, ...]
    office: str
    position: str


DEMO_ACCOUNTS = (
    DemoAccount(
        "admin@ejemplo.hn",
        "Lempira-Ceiba-Marea-71",
        "Ana Castillo",
        (Role.ADMIN,),
        "dgphm",
        "analista-dgphm",
    ),
    DemoAccount(
        "formador@ejemplo.hn",
        "Copan-Tambor-Nube-52",
        "Mario Reyes",
        (Role.TRAINER, Role.LEARNER),
        "dgphm",
        "coordinacion-formacion",
    ),
    DemoAccount(
        "rrhh@ejemplo.hn",
        "Roatan-Arrecife-Pino-38",
        "Lucía Zelaya",
        (Role.HR,),
        "dgphm",
        "recursos-humanos",
    ),
    DemoAccount(
        "aprendiz@ejemplo.hn",
        "Guancasco-Volcan-Rio-64",
        "José Martínez",
        (Role.LEARNER,),
        "tapachula",
        "oficial-proteccion",
    ),
)


def load_reference_data() -> int:
    """Add missing offices and positions by code (existing rows are left as admins set them).

    Returns how many rows were added.
    """
    data = yaml.safe_load(REFERENCE_FILE.read_text(encoding="utf-8"))
    added = 0
    for model, rows in ((Office, data["offices"]), (Position, data["positions"])):
        existing = set(db.session.scalars(select(model.code)))
        for row in rows:
            if row["code"] not in existing:
                item = model(**row)
                db.session.add(item)
                db.session.flush()
                record_event(f"{model.__tablename__[:-1]}.created", target=item, source="seed")
                added += 1
    return added


def load_demo_accounts() -> list[tuple[DemoAccount, bool]]:
    """Create the demo accounts that do not exist yet; return each with "created" flag."""
    offices = {o.code: o for o in db.session.scalars(select(Office))}
    positions = {p.code: p for p in db.session.scalars(select(Position))}
    result = []
    for account in DEMO_ACCOUNTS:
        if auth_services.find_user_by_email(account.email) is not None:
            result.append((account, False))
            continue
        auth_services.create_user(
            email=account.email,
            display_name=account.display_name,
            password=account.password,
            roles=set(account.roles),
            office=offices.get(account.office),
            position=positions.get(account.position),
            source="seed",
        )
        result.append((account, True))
    return result
