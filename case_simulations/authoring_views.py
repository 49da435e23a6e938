"""Blueprint "scenario_authoring": trainers edit or upload a scenario's YAML, map it, play it."""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app import draft_views, drafts
from app.audit import events_of
from app.draft_views import ReviewForm, RevisionForm
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import _, _l, language
from app.security import Role, role_required
from case_simulations import authoring
from case_simulations.models import Scenario, ScenarioDraft

bp = Blueprint("scenario_authoring", __name__, url_prefix="/autoria/simulaciones")
SLUG = "<string(maxlength=80):slug>"
TEXT_MAX = 400_000


class FilesForm(RevisionForm):
    """The scenario's two files as text."""

    spanish = TextAreaField(
        _l("Scenario in Spanish (<slug>.yaml)"),
        validators=[
            DataRequired(message=_l("This field is required.")),
            Length(max=TEXT_MAX, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"rows": 30, "spellcheck": "false"},
    )
    english = TextAreaField(
        _l("English texts (<slug>.en.yaml; empty if not translated)"),
        validators=[Optional(), Length(max=TEXT_MAX, message=_l("At most %(max)d characters."))],
        render_kw={"rows": 30, "spellcheck": "false"},
    )


class UploadForm(RevisionForm):
    """One YAML file replacing one language of the draft."""

    file = FileField(_l("YAML file"), validators=[FileRequired(message=_l("Choose a file."))])
    language = SelectField(
        _l("It replaces"),
        choices=[("es", _l("The Spanish file")), ("en", _l("The English file"))],
    )


@bp.before_request
@role_required(Role.TRAINER, Role.ADMIN)
def require_author_role():
    """Only trainers and admins edit scenarios."""


def _scenario(slug: str) -> Scenario:
    scenario = db.session.scalar(select(Scenario).where(Scenario.slug == slug))
    if scenario is None:
        abort(404)
    return scenario


def with_draft(view):
    """Give the view the scenario and its open draft; without one, go to the scenario page."""

    @wraps(view)
    def wrapped(slug: str, **kwargs):
        scenario = _scenario(slug)
        draft = authoring.open_draft(scenario)
        if draft is None:
            return redirect(url_for("scenario_authoring.scenario", slug=slug))
        return view(scenario, draft, **kwargs)

    return wrapped


@bp.get("/")
def index():
    """Every scenario, its current version and its draft."""
    rows = list(db.session.scalars(select(Scenario).order_by(Scenario.slug)))
    open_drafts = {
        d.scenario_id: d
        for d in db.session.scalars(select(ScenarioDraft).where(ScenarioDraft.closed_at.is_(None)))
    }
    return render_template("scenario_authoring/index.html", scenarios=rows, drafts=open_drafts)


def _page(scenario, draft, form, problems, status=200):
    data = None
    if draft is not None and not problems:
        try:
            doc, _analysis = authoring.check(draft.content, scenario.slug)
            data = doc.data_en if language() == "en" and doc.data_en else doc.data_es
        except DomainError:
            data = None
    elif scenario.current_version is not None:
        data = scenario.current_version.data(language())
    return render_template(
        "scenario_authoring/scenario.html",
        scenario=scenario,
        draft=draft,
        form=form,
        upload=UploadForm(revision=form.revision.data),
        problems=problems,
        data=data,
        blockers=authoring.blockers(draft) if draft else [],
        can_review=draft is not None and drafts.can_review(current_user, draft),
        review_form=ReviewForm(revision=draft.revision if draft else 0),
        users=draft_views.people_of(draft),
        confirm=ConfirmForm(),
        publications=events_of(scenario, "scenario.published"),
    ), status


@bp.route(f"/{SLUG}", methods=["GET", "POST"])
def scenario(slug: str):
    """The draft's files with every problem by line, its map, and the review and publish steps."""
    scenario = _scenario(slug)
    draft = authoring.open_draft(scenario)
    form = FilesForm()
    problems: list[str] = []
    if request.method == "POST":
        if draft is None:
            return redirect(url_for("scenario_authoring.scenario", slug=slug))
        if form.validate_on_submit():
            try:
                authoring.save(
                    draft, current_user, form.seen(), form.spanish.data, form.english.data or ""
                )
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
                return redirect(url_for("scenario_authoring.scenario", slug=slug))
        return _page(scenario, draft, form, problems, 422 if problems else 200)
    try:
        files = draft.content if draft else authoring.raw_files(scenario)
    except DomainError:  # imported in a pack and never published
        files = {"es": "", "en": ""}
    form.process(
        data={
            "revision": drafts.part_revision(draft, "files") if draft else 0,
            "spanish": files.get("es"),
            "english": files.get("en"),
        }
    )
    return _page(scenario, draft, form, problems)


@bp.post(f"/{SLUG}/subir")
@with_draft
def upload(scenario: Scenario, draft: ScenarioDraft):
    """Replace one of the draft's files by an uploaded one; rejected whole if invalid."""
    form = UploadForm()
    files = dict(draft.content)
    edit = FilesForm(formdata=None, revision=str(drafts.part_revision(draft, "files")))
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            files[form.language.data] = authoring.read_upload(form.file.data.read())
            authoring.save(draft, current_user, form.seen(), files["es"], files.get("en") or "")
        except drafts.EditConflict as exc:
            db.session.rollback()
            flash(str(exc.message), "warning")
        except DomainError as exc:
            db.session.rollback()
            flash(_("Nothing was changed: the uploaded file has problems."), "danger")
            problems = list(getattr(exc, "problems", []))
        else:
            db.session.commit()
            flash(_("File uploaded into the draft."), "success")
            return redirect(url_for("scenario_authoring.scenario", slug=scenario.slug))
    else:
        problems = [str(e) for errors in form.errors.values() for e in errors]
    edit.spanish.data, edit.english.data = draft.content.get("es"), draft.content.get("en")
    return _page(scenario, draft, edit, problems, 422)


@bp.get(f"/{SLUG}/probar")
@with_draft
def play(scenario: Scenario, draft: ScenarioDraft):
    """Play the draft as a learner, one decision at a time (nothing is stored)."""
    try:
        doc, _analysis = authoring.check(draft.content, scenario.slug)
    except DomainError:
        flash(_("Fix the draft's problems before playing it."), "warning")
        return redirect(url_for("scenario_authoring.scenario", slug=scenario.slug))
    data = doc.data_en if language() == "en" and doc.data_en else doc.data_es
    path = [p for p in (request.args.get("ruta") or "").split(".") if p][:200]
    step = authoring.play(data, path)
    return render_template(
        "scenario_authoring/play.html", scenario=scenario, draft=draft, data=data, step=step
    )


@bp.post(f"/{SLUG}/borrador")
def start_draft(slug: str):
    """Open the scenario's draft (the same one if it is already open)."""
    draft_views.start(_scenario(slug), current_user, authoring.start_draft)
    return redirect(url_for("scenario_authoring.scenario", slug=slug))


@bp.post(f"/{SLUG}/pedir-revision")
@with_draft
def request_review(scenario: Scenario, draft: ScenarioDraft):
    """Put the draft in the review queue."""
    draft_views.request_review(draft, current_user, authoring.request_review)
    return redirect(url_for("scenario_authoring.scenario", slug=scenario.slug))


@bp.post(f"/{SLUG}/revisar")
@with_draft
def review(scenario: Scenario, draft: ScenarioDraft):
    """Approve the draft as it is, or send it back with a comment."""
    draft_views.review(draft, current_user, drafts.approve, drafts.request_changes)
    return redirect(url_for("scenario_authoring.scenario", slug=scenario.slug))


@bp.route(f"/{SLUG}/publicar", methods=["GET", "POST"])
def publish(slug: str):
    """Publish the draft as a new version; runs already started keep theirs."""
    scenario = _scenario(slug)
    draft = authoring.open_draft(scenario)
    if draft is None:
        draft_views.no_draft_to_publish()
        return redirect(url_for("scenario_authoring.scenario", slug=slug))
    form, outcome = draft_views.publish_page(
        draft,
        current_user,
        authoring.publish,
        lambda version: _(
            "Scenario version %(number)d published. Runs already started keep theirs.",
            number=version.number,
        ),
    )
    if outcome in ("published", "closed"):
        return redirect(url_for("scenario_authoring.scenario", slug=slug))
    return render_template(
        "scenario_authoring/publish.html",
        scenario=scenario,
        draft=draft,
        form=form,
        blockers=authoring.blockers(draft),
    )


@bp.post(f"/{SLUG}/descartar")
@with_draft
def discard(scenario: Scenario, draft: ScenarioDraft):
    """Close the draft without publishing."""
    draft_views.discard(draft, current_user, authoring.discard)
    return redirect(url_for("scenario_authoring.scenario", slug=scenario.slug))
