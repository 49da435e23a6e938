r"""Lesson- and course-page throughput and latency under concurrency, served by gunicorn.

Usage (from the project root):
    make bench
    .venv/bin/python bench/pages.py --workers 2 --clients 16 --seconds 20
    AULA_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/pages.py      # PostgreSQL (uses and then drops its own schema)

It builds a fresh database (the test sample course, or the shipped courses with --shipped),
starts gunicorn on a free loopback port, logs in one account per client, then has every client
alternate lesson and course pages for the given time. Results go to stdout and
bench/results/pages-<timestamp>.json.
"""

import argparse
import http.cookiejar
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _database import bench_database  # noqa: E402

from tests.loopback import csrf_token, start_gunicorn  # noqa: E402

PASSWORD = "Correcto-Caballo-Bateria-Grapa"  # noqa: S105 - bench accounts only


def prepare(database_url: str, content_dir: str, clients: int) -> str:
    """Create tables, offices, the course(s) and one enrolled learner per client."""
    from app import create_app
    from app.extensions import db
    from app.seed import load_reference_data
    from courses import content_source, services
    from courses.models import Course
    from tests.factories import make_user

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "COURSES_CONTENT_DIR": content_dir,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        load_reference_data()
        services.sync_courses(content_source.load())
        course = db.session.scalar(db.select(Course).order_by(Course.id))
        for number in range(clients):
            user = make_user(f"bench{number}@ejemplo.hn", commit=False)
            services.enroll(course, user)
        db.session.commit()
        version = course.current_version
        lesson = next(i.ref for i in version.items if i.kind == "lesson")
        slug = course.slug
        db.engine.dispose()
    return f"/cursos/{slug}", f"/cursos/{slug}/lecciones/{lesson}"


def log_in(base: str, email: str) -> urllib.request.OpenerDirector:
    """A cookie-keeping opener logged in through the real form (with its CSRF token)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(base + "/cuenta/entrar").read().decode()
    data = urllib.parse.urlencode(
        {"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    opener.open(base + "/cuenta/entrar", data.encode()).read()
    return opener


def run_clients(base, paths, clients, seconds):
    """Every client alternates the pages until time is up; return latencies per path."""
    openers = [log_in(base, f"bench{n}@ejemplo.hn") for n in range(clients)]
    latencies = {path: [] for path in paths}
    errors = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(opener):
        turn = 0
        while time.perf_counter() < deadline:
            path = paths[turn % len(paths)]
            turn += 1
            start = time.perf_counter()
            try:
                with opener.open(base + path) as response:
                    response.read()
                    ok = response.status == 200
            except Exception as exc:  # noqa: BLE001 - counted and reported
                ok, reason = False, repr(exc)
            elapsed = time.perf_counter() - start
            with lock:
                if ok:
                    latencies[path].append(elapsed)
                else:
                    errors.append(reason if not ok else "")

    threads = [threading.Thread(target=client, args=(o,)) for o in openers]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - began


def percentile(values, fraction):
    """The value at ``fraction`` (0–1) of the sorted values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    """Build, serve, load and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--clients", type=int, default=16, help="concurrent simulated learners")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--shipped", action="store_true", help="use the shipped courses")
    args = parser.parse_args()

    content = (
        str(ROOT / "courses" / "content")
        if args.shipped
        else str(ROOT / "tests" / "data" / "courses")
    )
    with bench_database("bench.db") as (database_url, kind):
        course_path, lesson_path = prepare(database_url, content, args.clients)
        env = {
            **os.environ,
            "AULA_DATABASE_URL": database_url,
            "AULA_COURSES_CONTENT_DIR": content,
            "AULA_SECRET_KEY": uuid.uuid4().hex * 2,
            "AULA_LOGIN_RATE_LIMIT": '"10000 per minute"',
        }
        server, base = start_gunicorn(
            "app:create_app()", env, workers=args.workers, threads=args.threads
        )
        try:
            latencies, errors, elapsed = run_clients(
                base, [lesson_path, course_path], args.clients, args.seconds
            )
        finally:
            server.terminate()
            server.wait(timeout=10)

    report = {
        "database": kind,
        "workers": args.workers,
        "threads": args.threads,
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "errors": len(errors),
        "pages": {},
    }
    total = 0
    for name, path in (("lesson", lesson_path), ("course", course_path)):
        values = latencies[path]
        total += len(values)
        report["pages"][name] = {
            "requests": len(values),
            "per_second": round(len(values) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(values), 1),
            "p95_ms": round(1000 * percentile(values, 0.95), 1),
            "p99_ms": round(1000 * percentile(values, 0.99), 1),
        }
    report["total_per_second"] = round(total / elapsed, 1)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"pages-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    if errors:
        print(f"{len(errors)} failed requests, e.g. {errors[0]}", file=sys.stderr)


if __name__ == "__main__":
    main()
