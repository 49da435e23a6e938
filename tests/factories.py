"""Plain factory functions: add, flush and return."""

import email
from pathlib import Path

from sqlalchemy import select

from app.auth import services
from app.auth.models import Office, Position, User
from app.extensions import db
from app.security import Role

DEFAULT_PASSWORD = "Correcto-Caballo-Bateria-Grapa"  # noqa: S105


def make_user(
    email_address: str = "persona@ejemplo.hn",
    *,
    roles=("learner",),
    office: str | None = "tapachula",
    position: str | None = "oficial-proteccion",
    password: str = DEFAULT_PASSWORD,
    display_name: str | None = None,
    language: str = "es",
    commit: bool = True,
) -> User:
    """Create a user with roles given by name and office/position given by code."""
    user = services.create_user(
        email=email_address,
        display_name=display_name or email_address.split("@")[0].title(),
        password=password,
        roles={Role(r) for r in roles},
        language=language,
        office=db.session.scalar(select(Office).filter_by(code=office)) if office else None,
        position=db.session.scalar(select(Position).filter_by(code=position)) if position else None,
    )
    if commit:
        db.session.commit()
    return user


def read_outbox(folder: str) -> list[email.message.Message]:
    """Parse every message the file mail backend wrote into ``folder``."""
    messages = []
    path = Path(folder)
    if not path.exists():
        return messages
    for file in sorted(path.iterdir()):
        for chunk in file.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk))
    return messages


def message_text(message: email.message.Message) -> str:
    """The plain-text body of a message."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""
