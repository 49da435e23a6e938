"""The API core: tokens (create, scope, limit to offices, revoke), pagination, limits."""

import secrets
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.api import services
from app.api.core import PATHS, hash_token
from app.api.models import ApiToken
from app.auth.models import Office
from app.db import utcnow
from app.extensions import db
from tests.factories import make_user


def _office_id(code):
    return db.session.scalar(select(Office.id).filter_by(code=code))


@pytest.fixture
def token(app):
    """A token for every scope, every office; returns the secret."""

    def make(scopes=("people", "compliance", "certificates"), offices=(), expires_at=None):
        _row, raw = services.create_token(
            name="Pruebas",
            scopes=set(scopes),
            office_ids={_office_id(c) for c in offices},
            expires_at=expires_at,
            actor=None,
        )
        db.session.commit()
        return raw

    return make


def _get(client, url, raw=None):
    headers = {"Authorization": f"Bearer {raw}"} if raw else {}
    return client.get(url, headers=headers)


def test_tokens_are_required_valid_and_scoped(client, token):
    assert _get(client, "/api/v1/people").status_code == 401
    assert _get(client, "/api/v1/people").headers["WWW-Authenticate"].startswith("Bearer")
    assert _get(client, "/api/v1/people", "aula_falso").status_code == 401
    raw = token(scopes=("compliance",))
    denied = _get(client, "/api/v1/people", raw)
    assert denied.status_code == 403 and "people" in denied.json["error"]["message"]
    assert _get(client, "/api/v1/requirements", raw).status_code == 200
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == hash_token(raw) and raw not in (stored.prefix * 3)
    assert stored.last_used_at is not None


def test_revoked_and_expired_tokens_stop_working(client, token):
    raw = token()
    assert _get(client, "/api/v1/offices", raw).status_code == 200
    services.revoke_token(db.session.scalar(select(ApiToken)), None)
    db.session.commit()
    assert _get(client, "/api/v1/offices", raw).status_code == 401
    soon = token(expires_at=utcnow() + timedelta(seconds=1))
    assert _get(client, "/api/v1/offices", soon).status_code == 200
    import time_machine

    with time_machine.travel(utcnow() + timedelta(minutes=1)):
        assert _get(client, "/api/v1/offices", soon).status_code == 401


def test_people_are_paginated_and_filtered(client, token):
    for n in range(7):
        make_user(f"persona{n}@ejemplo.hn", office="tapachula" if n < 5 else "veracruz")
    raw = token()
    first = _get(client, "/api/v1/people?per_page=3", raw)
    body = first.json
    assert body["meta"] == {"page": 1, "per_page": 3, "total": 7}
    assert len(body["data"]) == 3 and body["links"]["prev"] is None
    assert 'rel="next"' in first.headers["Link"]
    last = _get(client, body["links"]["last"], raw).json
    assert last["meta"]["page"] == 3 and len(last["data"]) == 1 and last["links"]["next"] is None
    tapachula = _get(client, "/api/v1/people?office=tapachula&per_page=50", raw).json
    assert tapachula["meta"]["total"] == 5
    assert _get(client, "/api/v1/people?office=atlantida", raw).json["meta"]["total"] == 0
    person = tapachula["data"][0]
    assert set(person) >= {"id", "email", "name", "office", "position", "active"}
    one = _get(client, f"/api/v1/people/{person['id']}", raw)
    assert one.json["email"] == person["email"]
    assert _get(client, "/api/v1/people/999999", raw).status_code == 404
    for bad in ("per_page=0", "per_page=501", "page=abc", "active=quizá", "ofice=tapachula"):
        answer = _get(client, f"/api/v1/people?{bad}", raw)
        assert answer.status_code == 400 and "error" in answer.json, bad


def test_a_token_limited_to_offices_sees_only_them(client, token):
    inside = make_user("dentro@ejemplo.hn", office="tapachula")
    outside = make_user("fuera@ejemplo.hn", office="veracruz")
    raw = token(offices=("tapachula",))
    emails = {p["email"] for p in _get(client, "/api/v1/people", raw).json["data"]}
    assert inside.email in emails and outside.email not in emails
    assert _get(client, f"/api/v1/people/{outside.id}", raw).status_code == 404
    codes = [o["code"] for o in _get(client, "/api/v1/offices", raw).json["data"]]
    assert codes == ["tapachula"]


def test_rate_limit_per_token(make_app):
    app = make_app(API_RATE_LIMIT="3 per minute")
    with app.app_context():
        db.create_all()
        from app.seed import load_reference_data

        load_reference_data()
        _row, raw = services.create_token(
            name="x", scopes={"people"}, office_ids=set(), expires_at=None, actor=None
        )
        db.session.commit()
        client = app.test_client()
        answers = [_get(client, "/api/v1/offices", raw).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        limited = _get(client, "/api/v1/offices", raw)
        assert limited.json["error"]["code"] == 429
        _other, other = services.create_token(
            name="y", scopes={"people"}, office_ids=set(), expires_at=None, actor=None
        )
        db.session.commit()
        assert _get(client, "/api/v1/offices", other).status_code == 200  # its own budget


def test_the_document_lists_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.") and doc["servers"][0]["url"].endswith("/api/v1")
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi":
            path = rule.rule.removeprefix("/api/v1")
            for argument in rule.arguments:
                path = path.replace(f"<{rule._converters[argument].__class__.__name__}", "<")
            routes.add(__import__("re").sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", path))
    assert routes == set(doc["paths"]) == set(PATHS)
    for operations in doc["paths"].values():
        assert set(operations) == {"get"}  # read-only


def test_admins_create_show_once_and_revoke_tokens(client, login, admin, learner):
    login(admin)
    page = client.get("/admin/api")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    nonce = html.split('name="nonce" type="hidden" value="')[1].split('"')[0]
    data = {"name": "Informes RR. HH.", "scopes": ["compliance"], "nonce": nonce}
    created = client.post("/admin/api", data=data).get_data(as_text=True)
    assert "Copie el token ahora" in created
    raw = created.split('<code class="token">')[1].split("</code>")[0]
    assert raw.startswith("aula_")
    again = client.post("/admin/api", data=data)
    assert again.status_code == 400  # a double submit creates nothing
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 1
    assert raw not in client.get("/admin/api").get_data(as_text=True)
    assert _get(client, "/api/v1/requirements", raw).status_code == 200
    token_id = db.session.scalar(select(ApiToken.id))
    client.post(f"/admin/api/{token_id}/revocar")
    assert _get(client, "/api/v1/requirements", raw).status_code == 401
    missing = client.post("/admin/api", data={"name": "", "nonce": secrets.token_hex(8)})
    assert missing.status_code == 400
    login(learner)
    assert client.get("/admin/api").status_code == 403


def test_cli_creates_lists_and_revokes(runner, app):
    made = runner.invoke(args=["api", "create-token", "Tablero", "--scope", "compliance"])
    assert made.exit_code == 0
    raw = made.output.strip()
    listed = runner.invoke(args=["api", "tokens"]).output
    assert raw[:12] in listed and "active" in listed
    assert runner.invoke(args=["api", "revoke-token", raw[:12]]).exit_code == 0
    assert db.session.scalar(select(ApiToken.revoked_at)) is not None
    bad = runner.invoke(args=["api", "create-token", "X", "--scope", "people", "--office", "nada"])
    assert bad.exit_code != 0
