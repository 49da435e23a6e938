"""Login throttling shared through Redis, as several app processes would share it."""

import uuid

from app.extensions import db


def test_two_app_instances_share_one_limit_through_redis(make_app, redis_client, redis_url):
    prefix = f"aula-test-{uuid.uuid4().hex[:8]}"
    settings = {
        "RATELIMIT_STORAGE_URI": redis_url,
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
