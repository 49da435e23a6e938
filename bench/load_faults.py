r"""Load and fault benchmark: 200 learners against gunicorn + PostgreSQL, one worker killed.

Usage (from the project root; PostgreSQL required):
    .venv/bin/python bench/load_faults.py                       # 200 learners, 60 s
    .venv/bin/python bench/load_faults.py --clients 50 --seconds 20
    AULA_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/load_faults.py

What it does, in a PostgreSQL schema of its own (dropped at the end):
1. Loads the sample course and quizzes, and one enrolled learner per client.
2. Starts gunicorn (4 workers × 4 threads by default) on a free loopback port.
3. Every simulated learner, signed in through the real form, loops: lesson page, course page,
   then a quiz attempt — start it, answer every question (each answer is a POST the server
   acknowledges with a redirect), submit it twice in a row (a double click). A request that
   fails is retried once, as a person would.
4. Halfway through, one gunicorn worker is killed with SIGKILL.
5. Afterwards it checks the database: every answer the server acknowledged is stored as given
   (answers lost = 0), no attempt was graded twice (score = sum of its graded questions, one
   completion per learner and item), and no 5xx or failed request happened outside the kill.
6. Serves the same lesson HTML from a bare Flask route under the same gunicorn settings and
   load, and reports the lesson page against that floor as a ratio.

The load generator runs on the same machine as the server (2 cores here): figures are a floor.
Results go to stdout and bench/results/load-faults-<time>.json.
"""

import argparse
import http.cookiejar
import json
import os
import re
import signal
import statistics
import subprocess  # noqa: S404 - starts gunicorn, a fixed local program
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _database import bench_database  # noqa: E402
from pages import PASSWORD, percentile  # noqa: E402

from tests.loopback import NoRedirect, csrf_token, start_gunicorn  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
QUIZ = "muestra-rapida"  # unlimited attempts, so every learner can keep taking it
TIMEOUT = ("--timeout", "60")  # a worker may wait on a busy database this long
KILL_GRACE = 2.0  # seconds after the kill during which failures count as "during the kill"


def prepare(database_url: str, clients: int) -> dict:
    """Tables, offices, the sample course and quizzes, and one enrolled learner per client."""
    from app import create_app
    from app.extensions import db
    from app.seed import load_reference_data
    from assessments import content_source as quiz_source
    from assessments import services as quiz_services
    from courses import content_source, services
    from courses.models import Course
    from tests.factories import make_user

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "COURSES_CONTENT_DIR": str(ROOT / "tests" / "data" / "courses"),
            "ASSESSMENTS_BANKS_DIR": str(ROOT / "tests" / "data" / "assessments" / "banks"),
            "ASSESSMENTS_DEFINITIONS_DIR": str(
                ROOT / "tests" / "data" / "assessments" / "definitions"
            ),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        load_reference_data()
        services.sync_courses(content_source.load())
        quiz_services.sync_assessments(*quiz_source.load())
        course = db.session.scalar(db.select(Course).order_by(Course.id))
        for number in range(clients):
            user = make_user(f"carga{number}@ejemplo.hn", commit=False)
            services.enroll(course, user)
        db.session.commit()
        lesson = next(i.ref for i in course.current_version.items if i.kind == "lesson")
        paths = {
            "course": f"/cursos/{course.slug}",
            "lesson": f"/cursos/{course.slug}/lecciones/{lesson}",
        }
        db.engine.dispose()
    return paths


class Learner:
    """One simulated learner: a cookie jar, a log of requests, and a ledger of answers."""

    def __init__(self, base: str, email: str, stats):
        self.base, self.stats = base, stats
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )
        self.acknowledged: dict[tuple[int, int], dict] = {}  # (attempt, position) -> fields
        self.submitted: set[int] = set()
        page = self.get("/cuenta/entrar", "login")[1]
        self.post(
            "/cuenta/entrar",
            {"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)},
            "login",
        )

    def _open(self, path: str, data: dict | None, label: str, retry: bool = True):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        for attempt in range(2 if retry else 1):
            start = time.monotonic()
            try:
                with self.opener.open(self.base + path, body, timeout=30) as response:
                    text = response.read().decode()
                    status = response.status
                    location = response.headers.get("Location", "")
            except urllib.error.HTTPError as exc:
                text, status = exc.read().decode(errors="replace"), exc.code
                location = exc.headers.get("Location", "")
            except OSError as exc:  # connection reset by the killed worker, timeouts
                text, status, location = repr(exc), 0, ""
            self.stats.record(label, start, time.monotonic(), status)
            if status and status < 500:
                return status, text, location
            if attempt == 0 and retry:
                continue
        return status, text, location

    def get(self, path: str, label: str):
        """GET a page; (status, text)."""
        status, text, _location = self._open(path, None, label)
        return status, text

    def post(self, path: str, data: dict, label: str):
        """POST a form; (status, text, redirect location)."""
        return self._open(path, data, label)

    def take_quiz(self) -> None:
        """Start an attempt, answer every question, submit twice."""
        status, intro = self.get(f"/evaluaciones/{QUIZ}", "quiz")
        if status != 200:
            return
        status, _text, location = self.post(
            f"/evaluaciones/{QUIZ}/comenzar", {"csrf_token": csrf_token(intro)}, "answer"
        )
        found = re.search(r"/intento/(\d+)/(\d+)", location or "")
        if status not in (302, 303) or not found:
            return
        attempt = int(found.group(1))
        position = 1
        while True:
            status, page = self.get(f"/evaluaciones/intento/{attempt}/{position}", "question")
            if status != 200:
                return
            fields = answer_for(page)
            answer = dict(fields)
            last = 'value="finish"' in page
            fields.update({"csrf_token": csrf_token(page), "go": "finish" if last else "next"})
            status, _text, location = self.post(
                f"/evaluaciones/intento/{attempt}/{position}", fields, "answer"
            )
            if status in (302, 303):
                self.acknowledged[(attempt, position)] = answer
            else:
                return
            if last:
                break
            position += 1
        status, summary = self.get(f"/evaluaciones/intento/{attempt}/resumen", "question")
        if status != 200:
            return
        token = csrf_token(summary)
        for _click in range(2):  # a double click: the second must change nothing
            status, _text, _location = self.post(
                f"/evaluaciones/intento/{attempt}/enviar", {"csrf_token": token}, "submit"
            )
            if status in (302, 303):
                self.submitted.add(attempt)


def answer_for(page: str) -> dict:
    """Form fields answering the question on ``page`` (the first choice, or 36)."""
    form = page[page.find('id="question-form"') :]
    choice = re.search(r'type="(?:radio|checkbox)"[^>]*name="a" value="([^"]+)"', form)
    if choice:
        return {"a": choice.group(1)}
    selects = re.findall(r'<select id="a-([^"]+)" name="a-[^"]+"[^>]*>(.*?)</select>', form, re.S)
    if selects:
        fields = {}
        for item, body in selects:
            values = [v for v in re.findall(r'<option value="([^"]*)"', body) if v]
            fields[f"a-{item}"] = values[0] if values else ""
        return fields
    if 'name="a"' in form:
        return {"a": "36"}
    return {}  # a description: nothing to answer


class Stats:
    """Every request: label, start, end, status."""

    def __init__(self):
        self.rows: list[tuple[str, float, float, int]] = []
        self.lock = threading.Lock()

    def record(self, label, start, end, status):
        """Keep one request's timing and status."""
        with self.lock:
            self.rows.append((label, start, end, status))


def run(base: str, paths: dict, clients: int, seconds: float, kill) -> tuple[list, Stats, float]:
    """The simulated learners, and the kill halfway through; returns learners, stats, t_kill."""
    stats = Stats()
    learners = [None] * clients
    errors = []

    def sign_in(n):
        try:
            learners[n] = Learner(base, f"carga{n}@ejemplo.hn", stats)
        except Exception as exc:  # noqa: BLE001 - reported
            errors.append(repr(exc))

    threads = [threading.Thread(target=sign_in, args=(n,)) for n in range(clients)]
    for chunk in range(0, clients, 20):
        for thread in threads[chunk : chunk + 20]:
            thread.start()
        for thread in threads[chunk : chunk + 20]:
            thread.join()
    if errors:
        raise SystemExit(f"sign-in failed: {errors[0]}")
    stats.rows.clear()  # measure the run, not the sign-in
    began = time.monotonic()
    deadline = began + seconds

    def loop(learner):
        while time.monotonic() < deadline:
            learner.get(paths["lesson"], "lesson")
            learner.get(paths["course"], "course")
            if time.monotonic() < deadline:
                learner.take_quiz()

    workers = [threading.Thread(target=loop, args=(learner,)) for learner in learners]
    for thread in workers:
        thread.start()
    time.sleep(seconds / 2)
    killed_at = time.monotonic()
    kill()
    for thread in workers:
        thread.join()
    return learners, stats, killed_at - began, began


def check_database(database_url: str, learners) -> dict:
    """Compare every answer the server acknowledged with what the database holds.

    The expected stored answer is computed from the fields posted, with the app's own reading
    of a form (page tokens back to option ids) on the question as the attempt showed it.
    """
    from sqlalchemy import create_engine, text
    from werkzeug.datastructures import MultiDict

    from assessments.question_types import question_type
    from assessments.services import translate_form

    engine = create_engine(database_url)
    lost, checked = [], 0
    with engine.connect() as conn:
        stored = {
            (row.attempt_id, row.position): (row.answer, row.snapshot)
            for row in conn.execute(
                text("SELECT attempt_id, position, answer, snapshot FROM attempt_questions")
            )
        }
        for learner in learners:
            for key, fields in learner.acknowledged.items():
                if not fields:
                    continue  # a description: nothing was answered
                checked += 1
                answer, snapshot = stored.get(key, (None, None))
                if snapshot is None:
                    lost.append((key, fields, "no such question"))
                    continue
                posted = translate_form(snapshot, MultiDict(fields))
                expected = question_type(snapshot["type"]).read_answer(
                    posted, snapshot["spec"], snapshot["order"]
                )
                if answer is None or answer != expected:
                    lost.append((key, expected, answer))
        attempts = conn.execute(
            text("SELECT id, score FROM attempts WHERE submitted_at IS NOT NULL")
        ).all()
        sums = dict(
            conn.execute(
                text(
                    "SELECT attempt_id, COALESCE(SUM(score), 0) FROM attempt_questions "
                    "GROUP BY attempt_id"
                )
            ).all()
        )
        regraded = [a.id for a in attempts if abs((a.score or 0) - (sums.get(a.id) or 0)) > 1e-6]
        duplicate_completions = conn.execute(
            text(
                "SELECT COUNT(*) FROM (SELECT enrollment_id, item_id FROM item_progress "
                "GROUP BY enrollment_id, item_id HAVING COUNT(*) > 1) d"
            )
        ).scalar()
        submitted_by_clients = set().union(*(learner.submitted for learner in learners))
        not_closed = submitted_by_clients - {a.id for a in attempts}
    engine.dispose()
    return {
        "answers_acknowledged": checked,
        "answers_lost": len(lost),
        "lost_examples": [str(x) for x in lost[:5]],
        "attempts_submitted": len(attempts),
        "attempts_double_submitted": len(submitted_by_clients),
        "acknowledged_submits_not_closed": len(not_closed),
        "attempts_graded_twice": len(regraded) + int(duplicate_completions or 0),
    }


def latency_table(stats: Stats, elapsed: float, labels) -> dict:
    """Throughput and p50/p95/p99 of the successful requests, per label."""
    table = {}
    for label in labels:
        values = [end - start for (name, start, end, status) in stats.rows if name == label]
        ok = [
            end - start
            for (name, start, end, status) in stats.rows
            if name == label and 0 < status < 500
        ]
        if not values:
            continue
        table[label] = {
            "requests": len(values),
            "per_second": round(len(ok) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(ok), 1) if ok else None,
            "p95_ms": round(1000 * percentile(ok, 0.95), 1) if ok else None,
            "p99_ms": round(1000 * percentile(ok, 0.99), 1) if ok else None,
        }
    return table


def lesson_alone(learners, path: str, seconds: float) -> dict:
    """Every signed-in learner reads only the lesson page: the figure to set against the floor."""
    stats = Stats()
    deadline = time.monotonic() + seconds

    def loop(learner):
        learner.stats = stats
        while time.monotonic() < deadline:
            learner.get(path, "lesson")

    threads = [threading.Thread(target=loop, args=(learner,)) for learner in learners]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latency_table(stats, time.monotonic() - began, ["lesson"])["lesson"]


def floor(env: dict, workers: int, threads: int, clients: int, seconds: float, html: bytes):
    """The same lesson HTML from a bare Flask route: throughput and latency under the same load."""
    page = Path(tempfile.mkdtemp(prefix="aula-floor-")) / "lesson.html"
    page.write_bytes(html)
    server, base = start_gunicorn(
        "floor_app:app",
        {**env, "AULA_FLOOR_HTML": str(page)},
        workers=workers,
        threads=threads,
        extra=TIMEOUT,
    )
    stats = Stats()
    deadline = time.monotonic() + seconds

    def loop():
        while time.monotonic() < deadline:
            start = time.monotonic()
            try:
                with urllib.request.urlopen(base + "/", timeout=30) as response:  # noqa: S310
                    response.read()
                    status = response.status
            except OSError:
                status = 0
            stats.record("floor", start, time.monotonic(), status)

    threads_ = [threading.Thread(target=loop) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads_:
        thread.start()
    for thread in threads_:
        thread.join()
    elapsed = time.monotonic() - began
    server.terminate()
    server.wait(timeout=15)
    return latency_table(stats, elapsed, ["floor"])["floor"]


def main() -> None:
    """Prepare, serve, load, kill, check, compare with the floor, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--floor-seconds", type=float, default=15)
    args = parser.parse_args()

    os.environ.setdefault("AULA_BENCH_DATABASE_URL", DEFAULT_PG)
    with bench_database("unused.db") as (database_url, _kind):
        report = measure(args, database_url)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"load-faults-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(report, indent=2)
    )
    print(json.dumps(report, indent=2))


def measure(args, database_url: str) -> dict:
    """The run itself, in the benchmark's PostgreSQL schema."""
    print(f"Preparing {args.clients} learners…", file=sys.stderr)
    paths = prepare(database_url, args.clients)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "bench"),
        "AULA_DATABASE_URL": database_url,
        "AULA_COURSES_CONTENT_DIR": str(ROOT / "tests" / "data" / "courses"),
        "AULA_ASSESSMENTS_BANKS_DIR": str(ROOT / "tests" / "data" / "assessments" / "banks"),
        "AULA_ASSESSMENTS_DEFINITIONS_DIR": str(
            ROOT / "tests" / "data" / "assessments" / "definitions"
        ),
        "AULA_SECRET_KEY": uuid.uuid4().hex * 2,
        "AULA_LOGIN_RATE_LIMIT": '"100000 per minute"',
        "AULA_SQLALCHEMY_ENGINE_OPTIONS": json.dumps(
            {"pool_pre_ping": True, "pool_size": 8, "max_overflow": 8}
        ),
    }
    server, base = start_gunicorn(
        "app:create_app()", env, workers=args.workers, threads=args.threads, extra=TIMEOUT
    )
    victim = {}

    def kill():
        children = subprocess.run(  # noqa: S603
            ["/usr/bin/pgrep", "-P", str(server.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        if children:
            victim["pid"] = int(children[0])
            os.kill(victim["pid"], signal.SIGKILL)
            print(f"SIGKILL sent to worker {victim['pid']}", file=sys.stderr)

    print(f"{args.clients} learners for {args.seconds:.0f} s…", file=sys.stderr)
    try:
        learners, stats, kill_offset, began = run(base, paths, args.clients, args.seconds, kill)
        elapsed = max(end for (_n, _s, end, _st) in stats.rows) - began
        status, lesson_html = learners[0].get(paths["lesson"], "lesson")
        print("Lesson page alone, same load, for the floor comparison…", file=sys.stderr)
        alone = lesson_alone(learners, paths["lesson"], args.floor_seconds)
    finally:
        server.terminate()
        server.wait(timeout=15)
    kill_at = began + kill_offset
    failures = [row for row in stats.rows if row[3] == 0 or row[3] >= 500]
    # "During the kill": in flight when the worker died, or started just after.
    during = [row for row in failures if row[1] <= kill_at + KILL_GRACE and row[2] >= kill_at]
    outside = [
        (name, round(start - began, 2), status)
        for (name, start, end, status) in failures
        if (name, start, end, status) not in during
    ]
    report = {
        "database": "postgresql",
        "clients": args.clients,
        "workers": args.workers,
        "threads": args.threads,
        "seconds": round(elapsed, 1),
        "killed_worker": victim.get("pid"),
        "killed_at_s": round(kill_offset, 1),
        "requests": len(stats.rows),
        "throughput_per_s": round(sum(1 for r in stats.rows if 0 < r[3] < 500) / elapsed, 1),
        "pages": latency_table(
            stats, elapsed, ["lesson", "course", "quiz", "question", "answer", "submit"]
        ),
        "failed_during_kill": len(during),
        "failed_outside_kill": len(outside),
        "failed_outside_examples": [str(row) for row in outside[:5]],
    }
    report.update(check_database(database_url, learners))
    print("Measuring the floor (bare Flask route, same HTML)…", file=sys.stderr)
    bare = floor(
        env,
        args.workers,
        args.threads,
        args.clients,
        args.floor_seconds,
        lesson_html.encode(),
    )
    report["lesson_alone"] = alone
    report["floor"] = bare
    report["lesson_vs_floor"] = {
        "p50_ratio": round(alone["p50_ms"] / bare["p50_ms"], 2),
        "throughput_ratio": round(bare["per_second"] / max(alone["per_second"], 0.1), 2),
    }
    return report


if __name__ == "__main__":
    main()
