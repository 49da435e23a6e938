"""Blueprint "quiz_authoring": trainers create quizzes and edit their settings in drafts."""

from functools import wraps

import yaml
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import draft_views, drafts
from app.audit import events_of
from app.draft_views import ReviewForm
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import _
from app.security import Role, role_required
from assessments.authoring import quizzes
from assessments.authoring.forms import NewQuizForm, QuizForm
from assessments.authoring.models import QuizDraft
from assessments.models import Assessment, QuestionBank

bp = Blueprint("quiz_authoring", __name__, url_prefix="/autoria/evaluaciones")
SLUG = "<string(maxlength=80):slug>"


@bp.before_request
@role_required(Role.TRAINER, Role.ADMIN)
def require_author_role():
    """Only trainers and admins edit quizzes."""


def _quiz(slug: str) -> Assessment:
    quiz = db.session.scalar(select(Assessment).where(Assessment.slug == slug))
    if quiz is None:
        abort(404)
    return quiz


def with_draft(view):
    """Give the view the quiz and its open draft; without a draft, go to the quiz page."""

    @wraps(view)
    def wrapped(slug: str, **kwargs):
        quiz = _quiz(slug)
        draft = quizzes.open_draft(quiz)
        if draft is None:
            return redirect(url_for("quiz_authoring.quiz", slug=slug))
        return view(quiz, draft, **kwargs)

    return wrapped


@bp.get("/")
def index():
    """Every quiz: version, whether it is offered, and its draft."""
    rows = list(db.session.scalars(select(Assessment).order_by(Assessment.slug)))
    open_drafts = {
        d.assessment_id: d
        for d in db.session.scalars(select(QuizDraft).where(QuizDraft.closed_at.is_(None)))
    }
    return render_template("quiz_authoring/index.html", quizzes=rows, drafts=open_drafts)


@bp.route("/nueva", methods=["GET", "POST"])
def new_quiz():
    """Create a quiz on the web (it starts as a draft, not offered)."""
    form = NewQuizForm()
    form.bank.choices = [
        (b.slug, f"{b.slug} · {b.title_es}")
        for b in db.session.scalars(
            select(QuestionBank)
            .where(QuestionBank.retired_at.is_(None))
            .order_by(QuestionBank.slug)
        )
    ]
    if form.validate_on_submit():
        created = draft_views.create(
            form,
            lambda: quizzes.create_quiz(
                current_user,
                slug=form.slug.data,
                title_es=form.title_es.data,
                title_en=form.title_en.data or None,
                bank=form.bank.data,
            ),
        )
        if created:
            flash(_("Quiz created: set its draw rules and settings, then publish it."), "success")
            return redirect(url_for("quiz_authoring.quiz", slug=created[0].slug))
    return render_template("quiz_authoring/new.html", form=form)


def _form_data(content: dict, revision: int) -> dict:
    title, description = content.get("title") or {}, content.get("description") or {}
    if isinstance(title, str):
        title = {"es": title}
    if isinstance(description, str):
        description = {"es": description}
    review = content.get("review") or {}
    return {
        "revision": revision,
        "title_es": title.get("es"),
        "title_en": title.get("en"),
        "description_es": description.get("es"),
        "description_en": description.get("en"),
        "draw": yaml.safe_dump(content.get("draw") or [], allow_unicode=True, sort_keys=False),
        "pass_mark": content.get("pass_mark", 80),
        "max_attempts": content.get("max_attempts", 0),
        "time_limit_minutes": content.get("time_limit_minutes"),
        "grading": content.get("grading", "highest"),
        "feedback": content.get("feedback", "deferred"),
        "shuffle_questions": content.get("shuffle_questions", True),
        "shuffle_options": content.get("shuffle_options", True),
        "show_score": review.get("show_score", True),
        "show_correct": review.get("show_correct", True),
        "show_feedback": review.get("show_feedback", True),
    }


@bp.route(f"/{SLUG}", methods=["GET", "POST"])
def quiz(slug: str):
    """The quiz's draft settings (or its published ones), review and publishing."""
    quiz = _quiz(slug)
    draft = quizzes.open_draft(quiz)
    form = QuizForm()
    problems: list[str] = []
    if request.method == "POST":
        if draft is None:
            return redirect(url_for("quiz_authoring.quiz", slug=slug))
        if form.validate_on_submit():
            data = {name: field.data for name, field in form._fields.items()}
            try:
                content = quizzes.settings_from(data, form.draw.data, quiz.slug)
                quizzes.save(draft, current_user, form.seen(), content)
            except drafts.EditConflict as exc:
                db.session.rollback()
                flash(str(exc.message), "warning")
                form.revision.data = str(exc.revision)
            except DomainError as exc:
                db.session.rollback()
                flash(str(exc.message), "danger")
                problems = list(getattr(exc, "problems", []))
            else:
                db.session.commit()
                flash(_("Saved in the draft."), "success")
                return redirect(url_for("quiz_authoring.quiz", slug=slug))
    else:
        try:
            content = draft.content if draft else quizzes.raw_definition(quiz)
        except DomainError:  # never published, or its file is gone: start from nothing
            content = {}
        form.process(data=_form_data(content, drafts.part_revision(draft, "quiz") if draft else 0))
    return render_template(
        "quiz_authoring/quiz.html",
        quiz=quiz,
        draft=draft,
        form=form,
        problems=problems,
        blockers=quizzes.blockers(draft) if draft else [],
        can_review=draft is not None and drafts.can_review(current_user, draft),
        review_form=ReviewForm(revision=draft.revision if draft else 0),
        users=draft_views.people_of(draft),
        confirm=ConfirmForm(),
        publications=events_of(quiz, "quiz.published"),
    )


@bp.post(f"/{SLUG}/borrador")
def start_draft(slug: str):
    """Open the quiz's draft (the same one if it is already open)."""
    draft_views.start(_quiz(slug), current_user, quizzes.start_draft)
    return redirect(url_for("quiz_authoring.quiz", slug=slug))


@bp.post(f"/{SLUG}/pedir-revision")
@with_draft
def request_review(quiz: Assessment, draft: QuizDraft):
    """Put the draft in the review queue."""
    draft_views.request_review(draft, current_user, quizzes.request_review)
    return redirect(url_for("quiz_authoring.quiz", slug=quiz.slug))


@bp.post(f"/{SLUG}/revisar")
@with_draft
def review(quiz: Assessment, draft: QuizDraft):
    """Approve the draft as it is, or send it back with a comment."""
    draft_views.review(draft, current_user, drafts.approve, drafts.request_changes)
    return redirect(url_for("quiz_authoring.quiz", slug=quiz.slug))


@bp.route(f"/{SLUG}/publicar", methods=["GET", "POST"])
def publish(slug: str):
    """Publish the quiz's draft; attempts already started keep their settings."""
    quiz = _quiz(slug)
    draft = quizzes.open_draft(quiz)
    if draft is None:
        draft_views.no_draft_to_publish()
        return redirect(url_for("quiz_authoring.quiz", slug=slug))
    form, outcome = draft_views.publish_page(
        draft,
        current_user,
        quizzes.publish,
        lambda published: _(
            "Quiz version %(number)d published. Attempts already started keep their settings.",
            number=published.version,
        ),
    )
    if outcome in ("published", "closed"):
        return redirect(url_for("quiz_authoring.quiz", slug=slug))
    return render_template(
        "quiz_authoring/publish.html",
        quiz=quiz,
        draft=draft,
        form=form,
        blockers=quizzes.blockers(draft),
    )


@bp.post(f"/{SLUG}/descartar")
@with_draft
def discard(quiz: Assessment, draft: QuizDraft):
    """Close the draft without publishing."""
    draft_views.discard(draft, current_user, quizzes.discard)
    return redirect(url_for("quiz_authoring.quiz", slug=quiz.slug))
