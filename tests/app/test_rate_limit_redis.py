"""Login throttling shared through Redis, as several app processes would share it."""

import os
import uuid

import pytest

from app.extensions import db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required on CI ({REDIS_URL})")
        pytest.skip("Redis not reachable")
    yield client
    client.close()


def test_two_app_instances_share_one_limit_through_redis(make_app, redis_client):
    prefix = f"aula-test-{uuid.uuid4().hex[:8]}"
    settings = {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_RATE_LIMIT": "3 per minute",
    }
    first, second = make_app(**settings), make_app(**settings)
    try:
        codes = []
        for app in (first, second, first, second):
            with app.app_context():
                db.create_all()
                response = app.test_client().post(
                    "/cuenta/entrar", data={"email": "x@ejemplo.hn", "password": "y"}
                )
                codes.append(response.status_code)
        assert codes == [200, 200, 200, 429]
    finally:
        keys = list(redis_client.scan_iter(f"*{prefix}*"))
        if keys:
            redis_client.delete(*keys)
    assert not list(redis_client.scan_iter(f"*{prefix}*"))
