"""Creating and revoking API tokens (the caller commits)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.api.core import SCOPES, hash_token, new_token
from app.api.models import ApiToken
from app.audit import record_event
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l


class AlreadyCreated(DomainError):
    """The same form was sent twice."""

    message = _l(
        "This form was already sent and its token shown once. If you did not copy it, revoke "
        "it and create another."
    )


class InvalidToken(DomainError):
    """A token needs a name, at least one known scope and an end in the future."""

    message = _l("Give a name, at least one scope and, if any, an end date in the future.")


def create_token(
    *,
    name: str,
    scopes: set[str],
    office_ids: set[int],
    expires_at: datetime | None,
    actor,
    nonce: str | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once: only its hash is kept).

    :raises InvalidToken: without a name or scope, with an unknown scope or a past end.
    :raises AlreadyCreated: when ``nonce`` was already used.
    """
    name = (name or "").strip()
    if not name or not scopes or not scopes <= set(SCOPES):
        raise InvalidToken()
    if expires_at is not None and expires_at <= utcnow():
        raise InvalidToken()
    if nonce and db.session.scalar(select(ApiToken.id).where(ApiToken.form_nonce == nonce)):
        raise AlreadyCreated()
    raw = new_token()
    token = ApiToken(
        name=name[:120],
        prefix=raw[:12],
        token_hash=hash_token(raw),
        scopes=sorted(scopes),
        office_ids=sorted(office_ids),
        expires_at=expires_at,
        created_by_id=getattr(actor, "id", None),
        form_nonce=nonce or None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(token)
    except IntegrityError as exc:  # the same nonce at the same moment
        raise AlreadyCreated() from exc
    record_event(
        "api_token.created",
        actor=actor,
        target=token,
        name=token.name,
        scopes=token.scopes,
        offices=token.office_ids,
    )
    return token, raw


def revoke_token(token: ApiToken, actor) -> None:
    """Stop a token from working, now and for good."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_event("api_token.revoked", actor=actor, target=token, name=token.name)


def tokens() -> list[ApiToken]:
    """Every token, usable ones first."""
    return list(
        db.session.scalars(
            select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        )
    )
