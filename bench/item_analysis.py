r"""Item-analysis report time on 10,000 attempts of a 20-question quiz.

Usage (from the project root):
    .venv/bin/python bench/item_analysis.py                 # SQLite file in a temp folder
    AULA_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/item_analysis.py             # PostgreSQL, own schema, dropped

Attempts are generated with a simple ability model (so discrimination is positive) and
bulk-inserted; the report is then timed cold and warm. Moodle's users report 20–30 minutes
for a few hundred attempts; the target here is well under a second.
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._database import bench_database  # noqa: E402 - after the path is set


def main() -> None:
    """Generate, time, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args()

    with bench_database("items.db") as (database_url, kind):
        report = _run(args, database_url, kind)
    print(json.dumps(report, indent=2))


def _run(args, database_url: str, kind: str) -> dict:
    """Generate the attempts, then time the report; returns the figures."""
    from sqlalchemy import insert

    from app import create_app
    from app.db import utcnow
    from app.extensions import db
    from assessments import analysis
    from assessments.models import (
        AnswerChoice,
        Assessment,
        Attempt,
        AttemptQuestion,
        Question,
        QuestionBank,
    )
    from tests.factories import make_user

    app = create_app({"DATABASE_URL": database_url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
    rng = random.Random(7)  # noqa: S311 - simulated learners, not secrets
    with app.app_context():
        db.create_all()
        bank = QuestionBank(slug="bench", title_es="Bench")
        db.session.add(bank)
        db.session.flush()
        questions = []
        for n in range(args.questions):
            spec = {
                "type": "single_choice",
                "prompt": f"P{n}",
                "points": 1.0,
                "options": [{"id": o, "text": o.upper(), "correct": o == "a"} for o in "abcd"],
            }
            questions.append(
                Question(
                    bank_id=bank.id,
                    key=f"q{n:02d}",
                    content_hash="x",
                    type="single_choice",
                    spec_es=spec,
                    points=1.0,
                )
            )
        quiz = Assessment(
            slug="bench-quiz", content_hash="x", title_es="Bench", definition={"draw": []}
        )
        db.session.add_all([*questions, quiz])
        users = [
            make_user(f"b{n}@ejemplo.hn", office=None, position=None, commit=False)
            for n in range(100)
        ]
        db.session.flush()
        difficulty = [rng.uniform(-1.5, 1.5) for _q in questions]
        started = time.perf_counter()
        now = utcnow()
        attempt_rows, question_rows, choice_rows = [], [], []
        aq_id = 0
        for attempt_id in range(1, args.attempts + 1):
            ability = rng.gauss(0, 1)
            scores = [
                1.0 if rng.random() < 1 / (1 + pow(2.718, d - ability)) else 0.0 for d in difficulty
            ]
            total = sum(scores)
            attempt_rows.append(
                {
                    "id": attempt_id,
                    "assessment_id": quiz.id,
                    "user_id": users[attempt_id % 100].id,
                    "number": attempt_id // 100 + 1,
                    "assessment_version": 1,
                    "locale": "es",
                    "settings": {},
                    "started_at": now,
                    "submitted_at": now,
                    "score": total,
                    "max_score": float(len(questions)),
                    "percent": 100 * total / len(questions),
                    "passed": total >= 16,
                }
            )
            for position, (question, score) in enumerate(zip(questions, scores, strict=True)):
                aq_id += 1
                question_rows.append(
                    {
                        "id": aq_id,
                        "attempt_id": attempt_id,
                        "position": position + 1,
                        "question_id": question.id,
                        "question_key": question.key,
                        "snapshot": {},
                        "score": score,
                        "max_score": 1.0,
                        "is_locked": False,
                    }
                )
                option = "a" if score else rng.choice("bcd")
                choice_rows.append({"attempt_question_id": aq_id, "option_key": option})
        for model, rows in (
            (Attempt, attempt_rows),
            (AttemptQuestion, question_rows),
            (AnswerChoice, choice_rows),
        ):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[start : start + 5000])
        db.session.commit()
        generated = time.perf_counter() - started
        timings = []
        for _run in range(3):
            began = time.perf_counter()
            stats = analysis.analyse(quiz)
            timings.append(time.perf_counter() - began)
        first = time.perf_counter()
        analysis.analyse(quiz, first_only=True)
        first_only = time.perf_counter() - first
        report = {
            "database": kind,
            "attempts": stats.attempts,
            "questions": len(stats.items),
            "answer_rows": len(question_rows),
            "generate_seconds": round(generated, 1),
            "report_seconds_cold": round(timings[0], 3),
            "report_seconds_warm": round(min(timings[1:]), 3),
            "report_first_attempts_seconds": round(first_only, 3),
            "alpha": round(stats.alpha, 3) if stats.alpha is not None else None,
            "mean_discrimination": round(
                sum(i.discrimination for i in stats.items) / len(stats.items), 3
            ),
        }
        db.engine.dispose()
    return report


if __name__ == "__main__":
    main()
