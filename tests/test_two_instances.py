"""Two gunicorn instances on loopback, one PostgreSQL, one Redis: one installation.

A session opened on one instance works on the other; login throttling counts across both; a
quiz submitted on both at once is graded once. Runs when the suite runs on PostgreSQL (CI's
second pass); Redis is required on CI.
"""

import http.cookiejar
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from assessments import content_source as quiz_source
from assessments import services as quiz_services
from assessments.models import Attempt
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.loopback import NoRedirect, csrf_token, start_gunicorn

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


@pytest.fixture
def redis_prefix(redis_client):
    """A key prefix of this test's own in Redis, removed afterwards."""
    prefix = f"aula-two-{uuid.uuid4().hex[:8]}"
    yield prefix
    keys = list(redis_client.scan_iter(f"*{prefix}*"))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def instances(app, database_url, redis_prefix, redis_url, tmp_path):
    """Two gunicorn processes sharing the test's PostgreSQL schema and one Redis."""
    if database_url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL: run the suite with TEST_DATABASE_URL (CI does)")
    env = {
        **os.environ,
        "AULA_DATABASE_URL": database_url,
        "AULA_SECRET_KEY": uuid.uuid4().hex * 2,
        "AULA_RATELIMIT_STORAGE_URI": redis_url,
        "AULA_RATELIMIT_KEY_PREFIX": redis_prefix,
        "AULA_LOGIN_RATE_LIMIT": '"4 per minute"',
        "AULA_COURSES_CONTENT_DIR": str(DATA / "courses"),
        "AULA_ASSESSMENTS_BANKS_DIR": str(DATA / "assessments" / "banks"),
        "AULA_ASSESSMENTS_DEFINITIONS_DIR": str(DATA / "assessments" / "definitions"),
        "AULA_MAIL_FILE_PATH": str(tmp_path / "outbox"),
    }
    servers = []
    try:
        for _ in range(2):
            servers.append(start_gunicorn("app:create_app()", env, workers=2))
        yield [base for _server, base in servers]
    finally:
        for server, _base in servers:
            server.terminate()
        for server, _base in servers:
            server.wait(timeout=15)


def browser():
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
    )


def fetch(opener, url: str, data: dict | None = None) -> tuple[int, str, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, body, timeout=30) as response:
            return response.status, response.read().decode(), response.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.headers.get("Location", "")


def sign_in(opener, base: str, email: str, password: str = DEFAULT_PASSWORD) -> int:
    _status, page, _location = fetch(opener, base + "/cuenta/entrar")
    status, _page, _location = fetch(
        opener,
        base + "/cuenta/entrar",
        {"email": email, "password": password, "csrf_token": csrf_token(page)},
    )
    return status


def test_two_instances_behave_as_one_installation(app, instances):
    quiz_services.sync_assessments(*quiz_source.load())
    make_user("dos@ejemplo.hn", display_name="Dora Dos")
    db.session.commit()
    first, second = instances

    # A session opened on one instance is valid on the other (same key, same database).
    person = browser()
    assert sign_in(person, first, "dos@ejemplo.hn") == 302
    status, page, _location = fetch(person, second + "/inicio")
    assert status == 200 and "Dora Dos" in page

    # A quiz started on one, answered on the other, submitted on both at once: graded once.
    _s, intro, _l = fetch(person, second + "/evaluaciones/muestra-rapida")
    status, _p, location = fetch(
        person, first + "/evaluaciones/muestra-rapida/comenzar", {"csrf_token": csrf_token(intro)}
    )
    attempt_id = int(re.search(r"/intento/(\d+)/", location).group(1))
    position = 1
    while True:
        _s, page, _l = fetch(person, f"{second}/evaluaciones/intento/{attempt_id}/{position}")
        choice = re.search(r'type="radio"[^>]*name="a" value="([^"]+)"', page)
        answer = {"a": choice.group(1)} if choice else {"a": "36"}
        last = 'value="finish"' in page
        go = "finish" if last else "next"
        status, _p, _l = fetch(
            person,
            f"{first}/evaluaciones/intento/{attempt_id}/{position}",
            {**answer, "go": go, "csrf_token": csrf_token(page)},
        )
        assert status == 302
        if last:
            break
        position += 1
    _s, summary, _l = fetch(person, f"{first}/evaluaciones/intento/{attempt_id}/resumen")
    results = []

    def submit(base):
        results.append(
            fetch(
                person,
                f"{base}/evaluaciones/intento/{attempt_id}/enviar",
                {"csrf_token": csrf_token(summary)},
            )[0]
        )

    threads = [threading.Thread(target=submit, args=(base,)) for base in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [302, 302]
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.submitted_at is not None
    assert attempt.score == pytest.approx(sum(q.score or 0 for q in attempt.questions))
    count = db.session.scalar(
        select(db.func.count()).select_from(Attempt).where(Attempt.submitted_at.is_not(None))
    )
    assert count == 1

    # Login throttling counts across both instances: 4 sign-ins a minute from this address,
    # shared in Redis; Dora's sign-in above used one, so the fourth wrong one is refused,
    # whichever instance gets it.
    codes = [
        sign_in(browser(), base, "nadie@ejemplo.hn", "mala")
        for base in (second, first, second, first, second)
    ]
    assert codes == [200, 200, 200, 429, 429]
