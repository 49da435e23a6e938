"""Blueprint "assessments": quiz intro, one question per page, summary, submit and review."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import _, _l, language
from app.legal import registry
from app.security import Role, role_required
from assessments import analysis as item_analysis
from assessments import presenters, queries, services
from assessments.question_types import small_int

bp = Blueprint("assessments", __name__, url_prefix="/evaluaciones")
SLUG = "<string(maxlength=80):slug>"


@bp.before_request
@login_required
def require_login():
    """Every quiz page is for signed-in staff."""


def _attempt_or_404(attempt_id: int):
    attempt = queries.attempt_of(attempt_id, current_user)
    if attempt is None:
        abort(404)  # another person's attempt does not exist for you
    return attempt


def _closed_by_deadline(attempt) -> bool:
    if services.close_if_expired(attempt, current_user):
        db.session.commit()
        flash(
            _("Time ran out: your attempt was submitted with the answers you had saved."), "warning"
        )
        return True
    return False


@bp.get(f"/{SLUG}")
def intro(slug: str):
    """What the quiz is, the rules, the learner's attempts so far and a start button."""
    assessment = queries.assessment_by_slug(slug)
    if assessment is None:
        abort(404)
    attempts = queries.attempts_of(assessment, current_user)
    for attempt in attempts:
        if attempt.is_open and _closed_by_deadline(attempt):
            return redirect(url_for("assessments.result", attempt_id=attempt.id))
    definition = assessment.definition
    count = sum(r["count"] or len(r["questions"]) for r in definition["draw"])
    left = (definition["max_attempts"] - len(attempts)) if definition["max_attempts"] else None
    return render_template(
        "assessments/intro.html",
        assessment=assessment,
        definition=definition,
        attempts=attempts,
        count=count,
        left=left,
        form=ConfirmForm(),
        grade=services.final_grade(attempts, definition["grading"]),
        open_attempt=next((a for a in attempts if a.is_open), None),
    )


@bp.post(f"/{SLUG}/comenzar")
def start(slug: str):
    """Start an attempt (or continue the unfinished one)."""
    assessment = queries.assessment_by_slug(slug)
    if assessment is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start_attempt(assessment, current_user, language())
    except DomainError as exc:
        flash(str(exc.message), "warning")
        return redirect(url_for("assessments.intro", slug=slug))
    db.session.commit()
    first = next((q.position for q in attempt.questions if q.answer is None), 1)
    return redirect(url_for("assessments.question", attempt_id=attempt.id, position=first))


@bp.route("/intento/<id:attempt_id>/<int(min=1, max=500):position>", methods=["GET", "POST"])
def question(attempt_id: int, position: int):
    """One question; every move saves the answer on the server first."""
    attempt = _attempt_or_404(attempt_id)
    if not attempt.is_open or _closed_by_deadline(attempt):
        return redirect(url_for("assessments.result", attempt_id=attempt.id))
    if position > len(attempt.questions):
        abort(404)
    aq = attempt.questions[position - 1]
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        action = request.form.get("go", "next")
        try:
            if action == "check" and attempt.settings["feedback"] == "immediate":
                services.check_answer(attempt, aq, request.form)
            else:
                services.save_answer(attempt, aq, request.form)
        except services.InvalidAnswer as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            return redirect(
                url_for("assessments.question", attempt_id=attempt.id, position=position)
            )
        except DomainError as exc:
            flash(str(exc.message), "warning")
            return redirect(url_for("assessments.result", attempt_id=attempt.id))
        db.session.commit()
        return redirect(_after(attempt, position, action))
    remaining = None
    if attempt.deadline_at is not None:
        remaining = max(1, int((attempt.deadline_at - services.utcnow()).total_seconds() // 60))
    return render_template(
        "assessments/question.html",
        attempt=attempt,
        aq=aq,
        position=position,
        remaining=remaining,
        answer=presenters.displayed_answer(aq.snapshot, aq.answer),
        view=presenters.public_view(aq.snapshot),
        form=ConfirmForm(),
        feedback=_immediate_feedback(attempt, aq),
    )


def _after(attempt, position: int, action: str) -> str:
    total = len(attempt.questions)
    if action == "check":
        return url_for("assessments.question", attempt_id=attempt.id, position=position)
    if action == "prev" and position > 1:
        return url_for("assessments.question", attempt_id=attempt.id, position=position - 1)
    target = small_int(action.removeprefix("goto-")) if action.startswith("goto-") else None
    if target is not None and 1 <= target <= total:
        return url_for("assessments.question", attempt_id=attempt.id, position=target)
    if action == "next" and position < total:
        return url_for("assessments.question", attempt_id=attempt.id, position=position + 1)
    return url_for("assessments.summary", attempt_id=attempt.id)


def _immediate_feedback(attempt, aq) -> dict | None:
    if not aq.is_locked:
        return None
    return _review_row(
        aq, attempt.settings["review"] | {"show_correct": True, "show_feedback": True}
    )


def _review_row(aq, review) -> dict:
    yes, no = _("True"), _("False")
    snapshot = aq.snapshot
    return {
        "aq": aq,
        "prompt": snapshot["spec"]["prompt"],
        "answer": presenters.answer_text(snapshot, aq.answer, yes, no),
        "correct": presenters.correct_text(snapshot, yes, no) if review["show_correct"] else None,
        "feedback": presenters.feedback_for(snapshot, aq.answer) if review["show_feedback"] else (),
        "explanation": snapshot["spec"].get("explanation") if review["show_feedback"] else None,
        "provisions": registry().resolve(snapshot.get("legal_refs", []))
        if review["show_feedback"]
        else [],
        "graded": aq.max_score > 0,
    }


@bp.get("/intento/<id:attempt_id>/resumen")
def summary(attempt_id: int):
    """Which questions are answered, and the button to submit."""
    attempt = _attempt_or_404(attempt_id)
    if not attempt.is_open or _closed_by_deadline(attempt):
        return redirect(url_for("assessments.result", attempt_id=attempt.id))
    return render_template("assessments/summary.html", attempt=attempt, form=ConfirmForm())


@bp.post("/intento/<id:attempt_id>/enviar")
def submit(attempt_id: int):
    """Submit for grading; a second submit (another tab, a double click) changes nothing."""
    attempt = _attempt_or_404(attempt_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.submit_attempt(attempt, current_user)
    db.session.commit()
    return redirect(url_for("assessments.result", attempt_id=attempt.id))


@bp.get("/intento/<id:attempt_id>/resultado")
def result(attempt_id: int):
    """Score, pass or fail, and feedback as the quiz's review options allow."""
    attempt = _attempt_or_404(attempt_id)
    if attempt.is_open and not _closed_by_deadline(attempt):
        return redirect(url_for("assessments.summary", attempt_id=attempt.id))
    review = attempt.settings["review"]
    rows = [_review_row(aq, review) for aq in attempt.questions]
    return render_template("assessments/result.html", attempt=attempt, rows=rows, review=review)


FLAG_LABELS = {
    "too_easy": _l("Too easy"),
    "too_hard": _l("Too hard"),
    "negative_discrimination": _l("Discriminates negatively"),
    "weak_discrimination": _l("Weak discrimination"),
}


@bp.get(f"/{SLUG}/analisis")
@role_required(Role.TRAINER, Role.ADMIN)
def analysis(slug: str):
    """Item analysis for trainers: facility, discrimination, distractors, reliability."""
    assessment = queries.assessment_by_slug(slug)
    if assessment is None:
        abort(404)
    first_only = request.args.get("intentos") == "primeros"
    stats = item_analysis.analyse(assessment, first_only=first_only)
    return render_template(
        "assessments/analysis.html",
        assessment=assessment,
        stats=stats,
        first_only=first_only,
        flag_labels=FLAG_LABELS,
    )


@bp.get(f"/{SLUG}/analisis.csv")
@role_required(Role.TRAINER, Role.ADMIN)
def analysis_csv(slug: str):
    """The item analysis as CSV."""
    assessment = queries.assessment_by_slug(slug)
    if assessment is None:
        abort(404)
    first_only = request.args.get("intentos") == "primeros"
    stats = item_analysis.analyse(assessment, first_only=first_only)
    headers = [
        _("Question"),
        _("Type"),
        _("Answers"),
        _("Facility"),
        _("Discrimination"),
        _("Flags"),
        _("Options chosen"),
    ]
    return Response(
        item_analysis.to_csv(stats, headers),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{slug}-analisis.csv"'},
    )
