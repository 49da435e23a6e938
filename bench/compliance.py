r"""HR compliance at scale: 10,000 staff, 10 offices, 15 courses, five years of history.

Usage (from the project root; PostgreSQL is the target, in a schema dropped afterwards):
    AULA_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python bench/compliance.py
    .venv/bin/python bench/compliance.py --staff 2000          # SQLite, smaller

The generator (seeded, so runs compare) bulk-inserts offices, positions, courses and versions,
rules by position and office, people hired over five years (a tenth moved once, a twentieth
left), their staff periods and assignments, certificates with renewals and lapses, enrolments
and a few waivers. Then it times, through the real views with an HR login: the dashboard
(today, and the first view after a change, which computes the twelve-month trend), the
point-in-time question for a day two years ago, and the full matrix as XLSX.
Targets (issue 10): dashboard under 300 ms, full XLSX export under 5 s.
"""

import argparse
import json
import random
import statistics
import string
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._database import bench_database  # noqa: E402 - after the path is set

COURSES = 15
OFFICES = 10
YEARS = 5


def _code(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_uppercase + string.digits, k=16))


def generate(db, staff: int, rng: random.Random, today: date) -> dict:
    """Bulk-insert a realistic history; returns the row counts."""
    from sqlalchemy import insert, select

    from app.auth.models import Office, Position, StaffPeriod, User, UserRole
    from certificates.compliance.models import Assignment, Requirement, Waiver
    from certificates.compliance.rules import add_months
    from certificates.models import Certificate
    from courses.models import Course, CourseVersion, Enrollment

    start = today - timedelta(days=365 * YEARS)
    offices = list(db.session.scalars(select(Office)))
    for n in range(len(offices), OFFICES):
        db.session.add(
            Office(code=f"oficina-{n}", name=f"Consulado {n}", city=f"Ciudad {n}", country="MX")
        )
    db.session.flush()
    office_ids = list(db.session.scalars(select(Office.id)))[:OFFICES]
    position_ids = list(db.session.scalars(select(Position.id)))
    course_rows, versions = [], {}
    for n in range(COURSES):
        course = Course(slug=f"curso-{n}", code=f"C-{n:03d}", family="bench")
        db.session.add(course)
        db.session.flush()
        validity = 24 if n % 3 else 12
        for number in (1, 2):
            version = CourseVersion(
                course_id=course.id,
                number=number,
                label=f"202{number}.1",
                content_hash=uuid.uuid4().hex,
                title_es=f"Curso de referencia {n}",
                summary_es="—",
                estimated_minutes=120,
                certificate_validity_months=validity,
                created_at=datetime.combine(start, datetime.min.time(), UTC)
                + timedelta(days=365 * 2 * (number - 1)),
            )
            db.session.add(version)
            db.session.flush()
            versions[(course.id, number)] = version.id
        course.current_version_id = versions[(course.id, 2)]
        course_rows.append((course.id, course.code, validity))
    # Each position must hold 3 or 4 courses; two offices add a course of their own.
    rules = []
    for position_id in position_ids:
        for course_id, _unused, validity in rng.sample(course_rows, rng.choice((3, 4))):
            rules.append((position_id, None, course_id, validity, rng.choice((30, 60, 90))))
    for office_id in office_ids[:2]:
        course_id, _code_, validity = rng.choice(course_rows)
        rules.append((None, office_id, course_id, validity, 60))
    rule_ids = []
    for position_id, office_id, course_id, _validity, days in rules:
        rule = Requirement(
            course_id=course_id,
            position_id=position_id,
            office_id=office_id,
            due_within_days=days,
            starts_on=start,
        )
        db.session.add(rule)
        db.session.flush()
        rule_ids.append(rule.id)
    hr = User(email="rrhh@bench.hn", display_name="RR. HH.", password_hash="!unusable")  # noqa: S106
    db.session.add(hr)
    db.session.flush()
    db.session.add(UserRole(user_id=hr.id, role="hr"))
    db.session.commit()

    users, roles, periods, assignments = [], [], [], []
    certificates, enrollments, waivers = [], [], []
    next_user = hr.id + 1
    next_assignment = 1
    open_enrolments: set[tuple[int, int]] = set()
    serial = 0
    validity_of = {c: v for c, _x, v in course_rows}
    code_of = {c: code for c, code, _v in course_rows}
    for n in range(staff):
        user_id = next_user + n
        hired = (
            start
            - timedelta(days=rng.randint(0, 365))
            + timedelta(days=rng.randint(0, 365 * YEARS))
        )
        hired = min(hired, today - timedelta(days=1))
        office_id, position_id = rng.choice(office_ids), rng.choice(position_ids)
        spans = [(hired, None, office_id, position_id)]
        if rng.random() < 0.10 and (today - hired).days > 60:
            moved = hired + timedelta(days=rng.randint(30, (today - hired).days - 1))
            spans = [
                (hired, moved, office_id, position_id),
                (moved, None, rng.choice(office_ids), rng.choice(position_ids)),
            ]
        active = True
        if rng.random() < 0.05 and (today - spans[-1][0]).days > 2:
            left = spans[-1][0] + timedelta(days=rng.randint(1, (today - spans[-1][0]).days - 1))
            spans[-1] = (*spans[-1][:1], left, *spans[-1][2:])
            active = False
        last = spans[-1]
        users.append(
            {
                "id": user_id,
                "email": f"persona{n}@bench.hn",
                "display_name": f"Persona {n:05d}",
                "password_hash": "!unusable",
                "language": "es",
                "office_id": last[2],
                "position_id": last[3],
                "is_active": active,
                "hire_date": hired,
            }
        )
        roles.append({"user_id": user_id, "role": "learner"})
        for begin, end, office, position in spans:
            periods.append(
                {
                    "user_id": user_id,
                    "office_id": office,
                    "position_id": position,
                    "is_active": True,
                    "started_on": begin,
                    "ended_on": end,
                }
            )
        if not active:
            periods.append(
                {
                    "user_id": user_id,
                    "office_id": last[2],
                    "position_id": last[3],
                    "is_active": False,
                    "started_on": last[1],
                    "ended_on": None,
                }
            )
        period_number: dict[int, int] = {}
        for begin, end, office, position in spans:
            for rule_id, (r_position, r_office, course_id, _v, days) in zip(
                rule_ids, rules, strict=True
            ):
                if (r_position is not None and r_position != position) or (
                    r_office is not None and r_office != office
                ):
                    continue
                due = max(begin, start) + timedelta(days=days)
                assignments.append(
                    {
                        "id": next_assignment,
                        "user_id": user_id,
                        "course_id": course_id,
                        "requirement_id": rule_id,
                        "due_on": due,
                        "started_on": begin,
                        "ended_on": end,
                        "end_reason": ("left_scope" if end else None),
                    }
                )
                if rng.random() < 0.01:
                    waivers.append(
                        {
                            "assignment_id": next_assignment,
                            "approver_id": hr.id,
                            "reason": "Licencia",
                            "starts_on": begin,
                            "expires_on": begin + timedelta(days=180),
                        }
                    )
                next_assignment += 1
                # Certified (early or late), renewed until a lapse or today.
                if rng.random() > 0.85:
                    if rng.random() < 0.5 and (user_id, course_id) not in open_enrolments:
                        open_enrolments.add((user_id, course_id))
                        enrollments.append(
                            {
                                "user_id": user_id,
                                "course_id": course_id,
                                "course_version_id": versions[(course_id, 2)],
                                "enrolled_at": datetime.combine(
                                    min(today, due), datetime.min.time(), UTC
                                ),
                                "completed_at": None,
                            }
                        )
                    continue
                issued = begin + timedelta(days=rng.randint(1, days + 40))
                stop = end or today
                while issued < stop:
                    version = 2 if issued >= start + timedelta(days=730) else 1
                    serial += 1
                    period_number[course_id] = period_number.get(course_id, 0) + 1
                    at = datetime.combine(issued, datetime.min.time(), UTC)
                    expires = add_months(issued, validity_of[course_id])
                    enrollments.append(
                        {
                            "user_id": user_id,
                            "course_id": course_id,
                            "course_version_id": versions[(course_id, version)],
                            "enrolled_at": at - timedelta(days=3),
                            "completed_at": at,
                        }
                    )
                    certificates.append(
                        {
                            "serial": f"AC-{issued.year}-{serial:06d}",
                            "code": _code(rng),
                            "user_id": user_id,
                            "course_id": course_id,
                            "course_version_id": versions[(course_id, version)],
                            "period": period_number[course_id],
                            "holder_name": f"Persona {n:05d}",
                            "course_code": code_of[course_id],
                            "course_title_es": "Curso",
                            "version_label": f"202{version}.1",
                            "hours": 2.0,
                            "issued_at": at,
                            "expires_at": datetime.combine(expires, datetime.min.time(), UTC),
                        }
                    )
                    if rng.random() < 0.12:
                        break  # let it lapse
                    issued = expires - timedelta(days=rng.randint(-20, 40))
    batches = [
        (User, users),
        (UserRole, roles),
        (StaffPeriod, periods),
        (Assignment, assignments),
        (Waiver, waivers),
        (Enrollment, enrollments),
        (Certificate, certificates),
    ]
    for model, rows in batches:
        for chunk in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[chunk : chunk + 5000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy import text

        for table in ("users", "assignments", "certificates", "enrollments", "staff_periods"):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            )
            db.session.execute(text(f"ANALYZE {table}"))
        db.session.commit()
    return {
        "staff": staff,
        "offices": len(office_ids),
        "courses": COURSES,
        "rules": len(rules),
        "staff_periods": len(periods),
        "assignments": len(assignments),
        "certificates": len(certificates),
        "enrollments": len(enrollments),
        "waivers": len(waivers),
    }


def _timed(call, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        out.append(time.perf_counter() - began)
    return out


def main() -> None:
    """Generate, then time the dashboard, the point-in-time question and the XLSX export."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--staff", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    with bench_database("hr.db") as (database_url, kind):
        report = _run(args, database_url, kind)
    print(json.dumps(report, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"compliance-{report['database']}-{stamp}.json").write_text(json.dumps(report, indent=2))


def _run(args, database_url: str, kind: str) -> dict:
    """Generate, then time everything; returns the report."""
    from app import create_app
    from app.extensions import db
    from app.seed import load_reference_data

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    rng = random.Random(10)  # noqa: S311 - simulated staff, not secrets
    report: dict = {"database": kind}
    with app.app_context():
        db.create_all()
        load_reference_data()
        db.session.commit()
        today = datetime.now(UTC).date()
        began = time.perf_counter()
        report["rows"] = generate(db, args.staff, rng, today)
        report["generate_seconds"] = round(time.perf_counter() - began, 1)
        from app.auth.models import User
        from certificates.compliance import queries

        hr_id = db.session.scalar(db.select(User.id).where(User.email == "rrhh@bench.hn"))
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session, app.app_context():
        session["_user_id"] = db.session.get(User, hr_id).get_id()
    first = _timed(lambda: _ok(client.get("/rrhh/")), 1)[0]
    warm = _timed(lambda: _ok(client.get("/rrhh/")), args.repeat)
    # An ordinary change (a certificate issued today) moves the data version: the next view
    # reloads the facts and recomputes today, while the trend's past points are kept.
    after_change = []
    for n in range(3):
        with app.app_context():
            _issue_one(db, n)
        after_change += _timed(lambda: _ok(client.get("/rrhh/")), 1)
    past = (today - timedelta(days=730)).isoformat()
    past_page = _timed(lambda: _ok(client.get(f"/rrhh/?fecha={past}")), 3)
    with app.app_context():
        day = today - timedelta(days=730)
        load = _timed(queries.load_facts, 3)
        facts = queries.load_facts()
        compute = _timed(lambda: queries.rows_on(day, facts), 3)
        rows = queries.rows_on(day, facts)
    xlsx = _timed(lambda: _ok(client.get("/rrhh/matriz.xlsx")), 3)
    size = len(client.get("/rrhh/matriz.xlsx").data)
    csv = _timed(lambda: _ok(client.get("/rrhh/matriz.csv")), 3)
    report.update(
        {
            "dashboard_first_view_seconds": round(first, 3),
            "dashboard_warm_median_seconds": round(statistics.median(warm), 3),
            "dashboard_warm_max_seconds": round(max(warm), 3),
            "dashboard_after_a_change_median_seconds": round(statistics.median(after_change), 3),
            "dashboard_two_years_ago_median_seconds": round(statistics.median(past_page), 3),
            "point_in_time_load_facts_seconds": round(min(load), 3),
            "point_in_time_compute_seconds": round(min(compute), 3),
            "point_in_time_rows": len(rows),
            "xlsx_full_matrix_seconds": round(min(xlsx), 3),
            "xlsx_bytes": size,
            "csv_full_matrix_seconds": round(min(csv), 3),
        }
    )
    with app.app_context():
        db.engine.dispose()
    return report


def _issue_one(db, n: int) -> None:
    """A certificate issued now for one person, through the ORM (as a completion would)."""
    from sqlalchemy import select

    from certificates.models import Certificate

    source = db.session.scalar(select(Certificate).order_by(Certificate.id).offset(n))
    now = datetime.now(UTC)
    db.session.add(
        Certificate(
            serial=f"AC-BENCH-{n:04d}",
            code=f"BENCHCODE{n:07d}",
            user_id=source.user_id,
            course_id=source.course_id,
            course_version_id=source.course_version_id,
            period=source.period + 100,
            holder_name=source.holder_name,
            course_code=source.course_code,
            course_title_es=source.course_title_es,
            version_label=source.version_label,
            hours=source.hours,
            issued_at=now,
            expires_at=now + timedelta(days=730),
        )
    )
    db.session.commit()


def _ok(response):
    if response.status_code != 200:
        raise SystemExit(f"{response.request.path}: HTTP {response.status_code}")
    return response


if __name__ == "__main__":
    main()
