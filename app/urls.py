"""URL helpers: bounded integer ids and arguments, and absolute links that never trust Host."""

from flask import current_app, request, url_for
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; larger values cannot name a row


class IdConverter(IntegerConverter):
    """``<id:name>``: a positive integer that fits a database id (else the route 404s)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


def int_arg(name: str, default: int | None = None, maximum: int = MAX_ID) -> int | None:
    """A query-string integer in 1..maximum, or ``default`` when missing or out of range."""
    value = request.args.get(name, type=int)
    if value is None or not 1 <= value <= maximum:
        return default
    return value


def page_arg() -> int:
    """The ``page`` argument, clamped to a sane range."""
    return int_arg("page", 1, 100_000) or 1


def reset_password_url(token: str) -> str:
    """The e-mailed link that lets a person choose a password with ``token``."""
    return external_url("auth.reset_password", token=token)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails, built from BASE_URL when set (never from the Host header)."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
