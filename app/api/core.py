"""What every API endpoint shares: token check, scopes, office limits, pagination, errors.

Domains build their own blueprints under ``/api/v1`` with ``api_blueprint()``, guard views
with ``@token_required("scope")`` and describe their paths with ``register_paths()`` so the
OpenAPI document lists them; the core never imports a domain.
"""

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, current_app, g, jsonify, request, url_for
from sqlalchemy import Select, func, select

from app.api.models import ApiToken
from app.db import utcnow
from app.extensions import csrf, db, limiter
from app.i18n import _, _l

PREFIX = "/api/v1"
SCOPES = {
    "people": _l("People and offices"),
    "compliance": _l("Requirements, assignments and compliance"),
    "certificates": _l("Certificates"),
}
MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50
TOKEN_PREFIX = "aula_"  # noqa: S105 - a label, not a secret

PATHS: dict[str, dict] = {}
SCHEMAS: dict[str, dict] = {}


class ApiError(Exception):
    """Answer with a JSON error: ``{"error": {"code", "title", "message"}}`` (translated)."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


def error_response(exc: ApiError):
    """The JSON body and status for an ``ApiError``, titled like every other error."""
    from app.errors import ERROR_TEXTS

    title = ERROR_TEXTS.get(exc.status, ERROR_TEXTS[400])[0]
    body = jsonify(error={"code": exc.status, "title": str(title), "message": exc.message})
    return body, exc.status, exc.headers or {}


def hash_token(raw: str) -> str:
    """What is stored: the token's SHA-256 (tokens are long and random: no salt needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> str:
    """A fresh token: a recognisable prefix and 256 random bits."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _raw_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def rate_limit_key() -> str:
    """Limit per token (hashed), or per address without one."""
    raw = _raw_token()
    return "api-token:" + hash_token(raw)[:16] if raw else "api-ip:" + (request.remote_addr or "")


def _rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "120 per minute;5000 per hour")


def spec_path(rule: str) -> str:
    """``/api/v1/people/<id:person_id>`` → ``/people/{person_id}`` (the document's form)."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.removeprefix(PREFIX))


def query_names(path: str) -> set[str] | None:
    """The query parameters the document declares for GET ``path`` (None: not documented)."""
    operation = PATHS.get(path, {}).get("get")
    if operation is None:
        return None
    names = set()
    for parameter in operation.get("parameters", []):
        ref = parameter.get("$ref", "")
        name = ref.rsplit("/", 1)[-1] if ref else parameter["name"]
        if ref or parameter.get("in") == "query":
            names.add(name)
    return names


def _reject_unknown_parameters():
    """A misspelt filter (``?ofice=``) is an error, not a silently unfiltered answer."""
    if request.url_rule is None:
        return
    allowed = query_names(spec_path(request.url_rule.rule))
    if allowed is None:
        return
    names = {
        name
        for name, _value in parse_qsl(
            request.query_string.decode("utf-8", "replace"), keep_blank_values=True
        )
    }
    unknown = sorted((names | set(request.args)) - allowed)
    if unknown:
        raise ApiError(
            400,
            _(
                "Unknown query parameter(s): %(unknown)s; allowed: %(allowed)s.",
                unknown=", ".join(repr(u[:40]) for u in unknown[:5]),
                allowed=", ".join(sorted(allowed)),
            ),
        )


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under /api/v1: no CSRF (no cookies), rate-limited per token.

    It refuses query parameters its OpenAPI document does not declare.
    """
    bp = Blueprint(name, import_name, url_prefix=PREFIX)
    csrf.exempt(bp)
    limiter.limit(_rate_limit, key_func=rate_limit_key)(bp)
    bp.register_error_handler(ApiError, error_response)
    bp.before_request(_reject_unknown_parameters)
    return bp


def token_required(scope: str) -> Callable:
    """Only a valid, unrevoked, unexpired token holding ``scope`` may call the view."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            raw = _raw_token()
            token = (
                db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
                if raw
                else None
            )
            now = utcnow()
            if token is None or not token.usable(now):
                raise ApiError(
                    401,
                    _("Send a valid API token: Authorization: Bearer <token>."),
                    {"WWW-Authenticate": 'Bearer realm="aula-consular"'},
                )
            if scope not in (token.scopes or []):
                raise ApiError(403, _("This token lacks the “%(scope)s” scope.", scope=scope))
            if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
                token.last_used_at = now
                db.session.commit()
            g.api_token = token
            return view(*args, **kwargs)

        return wrapper

    return decorator


def token_offices() -> set[int] | None:
    """The offices the calling token is limited to (None: every office)."""
    token = g.get("api_token")
    return set(token.office_ids) if token is not None and token.office_ids else None


def int_param(name: str, default: int | None = None, minimum: int = 1, maximum: int = 2**31 - 1):
    """An integer query parameter, or 400."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, _("“%(name)s” must be a whole number.", name=name)) from None
    if not minimum <= value <= maximum:
        raise ApiError(
            400,
            _("“%(name)s” must be from %(min)d to %(max)d.", name=name, min=minimum, max=maximum),
        )
    return value


def str_param(name: str, max_length: int) -> str | None:
    """A text query parameter of at most ``max_length`` characters, or 400."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if len(raw) > max_length:
        raise ApiError(
            400, _("“%(name)s” has at most %(max)d characters.", name=name, max=max_length)
        )
    return raw


def date_param(name: str) -> date | None:
    """A YYYY-MM-DD query parameter, or 400."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise ApiError(400, _("“%(name)s” must be a date (YYYY-MM-DD).", name=name))
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, _("“%(name)s” must be a date (YYYY-MM-DD).", name=name)) from None


def bool_param(name: str) -> bool | None:
    """``true``/``false`` query parameter, or 400."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise ApiError(400, _("“%(name)s” must be true or false.", name=name))


def choice_param(name: str, choices: Iterable[str]) -> str | None:
    """One of ``choices``, or 400."""
    raw = request.args.get(name)
    if raw is None:
        return None
    allowed = list(choices)
    if raw not in allowed:
        raise ApiError(
            400, _("“%(name)s” must be one of: %(choices)s.", name=name, choices=", ".join(allowed))
        )
    return raw


def page_params() -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (1–500, default 50)."""
    return int_param("page", 1, maximum=100_000), int_param(
        "per_page", DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE
    )


def _links(page: int, per_page: int, total: int) -> dict:
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
    last = max(1, -(-total // per_page))

    def link(number: int) -> str:
        return url_for(
            request.endpoint, **request.view_args, **args, page=number, per_page=per_page
        )

    return {
        "self": link(page),
        "first": link(1),
        "last": link(last),
        "next": link(page + 1) if page < last else None,
        "prev": link(page - 1) if page > 1 else None,
    }


def page_of_query(query: Select, serialise: Callable[[Any], dict], extra_meta: dict | None = None):
    """One page of a query as ``{"data", "meta", "links"}``, with a Link header."""
    page, per_page = page_params()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return _page([serialise(r) for r in rows], page, per_page, total, extra_meta)


def page_of_list(items: list, serialise: Callable[[Any], dict], extra_meta: dict | None = None):
    """One page of an in-memory list (computed answers such as compliance)."""
    page, per_page = page_params()
    chunk = items[(page - 1) * per_page : page * per_page]
    return _page([serialise(r) for r in chunk], page, per_page, len(items), extra_meta)


def _page(data: list, page: int, per_page: int, total: int, extra_meta: dict | None):
    links = _links(page, per_page, total)
    response = jsonify(
        data=data,
        meta={"page": page, "per_page": per_page, "total": total, **(extra_meta or {})},
        links=links,
    )
    response.headers["Link"] = ", ".join(
        f'<{url}>; rel="{rel}"' for rel, url in links.items() if url and rel != "self"
    )
    return response


def iso(value) -> str | None:
    """ISO 8601 for dates and datetimes (UTC, with Z), None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat() + "Z"
    return value.isoformat()


def register_paths(paths: dict[str, dict], schemas: dict[str, dict]) -> None:
    """Add a domain's operations and component schemas to the OpenAPI document."""
    PATHS.update(paths)
    SCHEMAS.update(schemas)
