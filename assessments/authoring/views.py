"""Blueprint "bank_authoring": trainers edit question banks, import GIFT, review and publish."""

import copy
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app import draft_views, drafts
from app.audit import events_of
from app.draft_views import ReviewForm, RevisionForm
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm, legal_choices
from app.i18n import _
from app.legal import registry
from app.security import Role, role_required
from assessments.authoring import question_form, services
from assessments.authoring.forms import GiftForm, NewBankForm, NewQuestionForm, QuestionForm
from assessments.authoring.models import BankDraft
from assessments.loader import lay_over
from assessments.models import Question, QuestionBank
from assessments.presenters import public_view
from assessments.question_types import QUESTION_TYPES, question_type
from courses.authoring import diff

bp = Blueprint("bank_authoring", __name__, url_prefix="/autoria/bancos")
SLUG = "<string(maxlength=80):slug>"
QID = "<string(maxlength=80):qid>"
GIFT_MAX_BYTES = 1024 * 1024


@bp.before_request
@role_required(Role.TRAINER, Role.ADMIN)
def require_author_role():
    """Only trainers and admins edit questions."""


def _bank(slug: str) -> QuestionBank:
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == slug))
    if bank is None:
        abort(404)
    return bank


def with_draft(view):
    """Give the view the bank and its open draft; without a draft, go to the bank page."""

    @wraps(view)
    def wrapped(slug: str, **kwargs):
        bank = _bank(slug)
        draft = services.open_draft(bank)
        if draft is None:
            if request.method == "GET":
                flash(_("This bank has no draft: start one to edit it."), "info")
            return redirect(url_for("bank_authoring.bank", slug=slug))
        return view(bank, draft, **kwargs)

    return wrapped


def _problems(exc: DomainError) -> list[str]:
    flash(str(exc.message), "danger")
    return list(getattr(exc, "problems", []))


@bp.get("/")
def banks():
    """Every bank, how many questions it has, who uses it and whether a draft is open."""
    rows = db.session.execute(
        select(QuestionBank, func.count(Question.id))
        .outerjoin(Question, (Question.bank_id == QuestionBank.id) & Question.is_current)
        .group_by(QuestionBank.id)
        .order_by(QuestionBank.slug)
    ).all()
    open_drafts = {
        d.bank_id: d
        for d in db.session.scalars(select(BankDraft).where(BankDraft.closed_at.is_(None)))
    }
    return render_template("bank_authoring/banks.html", rows=rows, drafts=open_drafts)


@bp.get(f"/{SLUG}")
def bank(slug: str):
    """The bank's draft (questions, review, publish) or, without one, its published questions."""
    bank = _bank(slug)
    draft = services.open_draft(bank)
    try:
        content = draft.content if draft else services.raw_bank(bank)
    except DomainError:  # made on the web (or imported) and never published
        content = {"es": {"slug": bank.slug, "title": bank.title_es, "questions": []}}
    published = set(
        db.session.scalars(
            select(Question.key).where(Question.bank_id == bank.id, Question.is_current)
        )
    )
    overlay = services.overlay_of(content)
    return render_template(
        "bank_authoring/bank.html",
        bank=bank,
        draft=draft,
        content=content,
        questions=services.questions_of(content),
        overlay=overlay,
        quizzes=services.quizzes_using(bank),
        published=published,
        type_labels=question_form.TYPE_LABELS,
        publications=events_of(bank, "bank.published"),
        requires_review=services.requires_review(bank),
        blockers=services.blockers(draft) if draft else [],
        can_review=draft is not None and drafts.can_review(current_user, draft),
        users=draft_views.people_of(draft),
        form=ConfirmForm(),
        review_form=ReviewForm(revision=draft.revision if draft else 0),
        new_form=_new_form(),
        gift_form=GiftForm(),
        bank_revision=drafts.part_revision(draft, "bank") if draft else 0,
        revisions={
            q.get("id"): drafts.part_revision(draft, f"question:{q.get('id')}")
            for q in services.questions_of(content)
        }
        if draft
        else {},
    )


def _new_form() -> NewQuestionForm:
    form = NewQuestionForm(formdata=None)
    form.kind.choices = [(k, question_form.TYPE_LABELS[k]) for k in QUESTION_TYPES]
    return form


@bp.post(f"/{SLUG}/borrador")
def start_draft(slug: str):
    """Open the bank's draft (the same one if it is already open)."""
    draft_views.start(_bank(slug), current_user, services.start_draft)
    return redirect(url_for("bank_authoring.bank", slug=slug))


def _preview(spanish: str, english: str, locale: str):
    """The question as a learner sees it, and its key and feedback, from the editor's text."""
    try:
        row = services.read_snippet(spanish, "es")
        translation = services.read_snippet(english, "en") if locale == "en" else None
    except DomainError:
        return None
    return _preview_entry(row, translation, locale)


def _preview_entry(row: dict | None, translation: dict | None, locale: str):
    """The preview of a bank entry, in Spanish or with its English texts laid over it."""
    if not row or row.get("type") not in QUESTION_TYPES or not isinstance(row.get("prompt"), str):
        return None
    spec = copy.deepcopy(row)
    if translation and locale == "en":
        try:
            lay_over(spec, translation)
        except (AttributeError, KeyError, TypeError):
            return None
    kind = question_type(row["type"])
    try:
        if kind.validate({**spec, "points": 1}):
            return None  # the problems are listed above the editor
        order = kind.shuffle_keys(spec)
        view = public_view({"type": row["type"], "spec": spec, "order": order})
        words = {"true": _("True"), "false": _("False")}
        key = kind.describe_key(spec, words)
    except (KeyError, TypeError, ValueError, AttributeError, StopIteration):
        return None
    feedback = []
    for option in spec.get("options") or []:
        if isinstance(option, dict) and option.get("feedback"):
            feedback.append((option.get("text", ""), option["feedback"]))
    return {
        "view": view,
        "key": key,
        "feedback": feedback,
        "explanation": spec.get("explanation"),
        "provisions": registry().resolve(row.get("legal_refs") or []),
        "locale": locale,
    }


@bp.route(f"/{SLUG}/preguntas/nueva", methods=["GET", "POST"])
@with_draft
def new_question(bank: QuestionBank, draft: BankDraft):
    """Write a new question, starting from a template of the chosen type."""
    return _question_page(bank, draft, None)


@bp.route(f"/{SLUG}/preguntas/{QID}", methods=["GET", "POST"])
@with_draft
def edit_question(bank: QuestionBank, draft: BankDraft, qid: str):
    """One question: Spanish and English side by side, checked and previewed by the server."""
    return _question_page(bank, draft, qid)


def _question_page(bank: QuestionBank, draft: BankDraft, qid: str | None):
    form = QuestionForm()
    problems: list[str] = []
    theirs = None
    locale = "en" if request.args.get("idioma") == "en" else "es"
    if request.method == "GET":
        if qid is None:
            kind = request.args.get("tipo")
            new_id = (request.args.get("id") or "").strip() or "nueva-pregunta"
            if kind not in QUESTION_TYPES:
                abort(404)
            spanish, english = services.skeleton(kind, new_id), ""
        else:
            try:
                spanish, english = services.question_texts(draft.content, qid)
            except DomainError:
                abort(404)
        form.process(
            data={
                "revision": drafts.part_revision(draft, f"question:{qid}") if qid else 0,
                "spanish": spanish,
                "english": english,
            }
        )
    elif form.validate_on_submit():
        if request.form.get("action") == "save":
            saved, theirs, problems = _save(
                bank,
                qid,
                form,
                lambda: services.save_question(
                    draft,
                    current_user,
                    qid,
                    form.seen(),
                    form.spanish.data,
                    form.english.data or "",
                ),
            )
            if saved:
                return redirect(url_for("bank_authoring.edit_question", slug=bank.slug, qid=saved))
    return render_template(
        "bank_authoring/question.html",
        bank=bank,
        draft=draft,
        qid=qid,
        form=form,
        problems=problems,
        theirs=theirs,
        preview=_preview(form.spanish.data or "", form.english.data or "", locale),
        locale=locale,
    )


@bp.route(f"/{SLUG}/preguntas/nueva/formulario", methods=["GET", "POST"])
@with_draft
def new_question_form(bank: QuestionBank, draft: BankDraft):
    """Write a new question in a form made for its type (no YAML)."""
    return _form_page(bank, draft, None)


@bp.route(f"/{SLUG}/preguntas/{QID}/formulario", methods=["GET", "POST"])
@with_draft
def edit_question_form(bank: QuestionBank, draft: BankDraft, qid: str):
    """One question in a form: its texts in Spanish and English side by side, row by row."""
    return _form_page(bank, draft, qid)


def _form_page(bank: QuestionBank, draft: BankDraft, qid: str | None):
    locale = "en" if request.args.get("idioma") == "en" else "es"
    english = None
    if qid is None:
        kind = request.args.get("tipo")
        if kind not in QUESTION_TYPES:
            abort(404)
        entry = question_form.new_entry(kind, (request.args.get("id") or "").strip())
    else:
        try:
            entry, english = services.question_entry(draft.content, qid)
        except DomainError:
            abort(404)
        kind = entry.get("type")
        if kind not in QUESTION_TYPES:
            flash(_("This question's type is unknown: edit it as YAML."), "warning")
            return redirect(url_for("bank_authoring.edit_question", slug=bank.slug, qid=qid))
    form = question_form.QuestionFieldsForm()
    form.legal_refs.choices = legal_choices()
    theirs, preview = None, None
    if request.method == "GET":
        form.process(
            data={
                **question_form.form_data(entry, english),
                "revision": drafts.part_revision(draft, f"question:{qid}") if qid else 0,
            }
        )
        if qid is not None:
            preview = _preview_entry(entry, english, locale)
    if qid is not None:
        form.id.data = qid  # a question keeps its id for ever
    action = request.form.get("action", "")
    if request.method == "POST" and action.startswith("more-"):
        # One more empty row; nothing is checked or saved (CSRF is checked for every POST).
        group = action.removeprefix("more-")
        if group in question_form.GROUPS.get(kind, ()):
            rows = getattr(form, group)
            if len(rows) < question_form.MAX_ROWS:
                rows.append_entry()
    elif request.method == "POST" and form.validate_on_submit():
        built = question_form.entry_from(form, kind)
        english_spec = None
        if built.english:
            english_spec = copy.deepcopy(built.entry)
            lay_over(english_spec, built.english)
        if not question_form.place_problems(form, built, kind, english_spec):
            preview = _preview_entry(built.entry, built.english, locale)
            if action == "save":
                saved, theirs, problems = _save(
                    bank,
                    qid,
                    form,
                    lambda: services.save_question_entry(
                        draft, current_user, qid, form.seen(), built.entry, built.english or None
                    ),
                )
                if saved:
                    return redirect(
                        url_for("bank_authoring.edit_question_form", slug=bank.slug, qid=saved)
                    )
                if problems:
                    form.group_errors["question"] = problems
    return render_template(
        "bank_authoring/question_form.html",
        bank=bank,
        draft=draft,
        qid=qid,
        kind=kind,
        kind_label=question_form.TYPE_LABELS[kind],
        form=form,
        theirs=theirs,
        preview=preview,
        locale=locale,
        english_url=url_for(
            request.endpoint, **request.view_args, **(request.args.to_dict() | {"idioma": "en"})
        ),
        bank_tags=sorted(
            {t for q in services.questions_of(draft.content) for t in q.get("tags") or []}
        ),
    )


def _save(bank: QuestionBank, qid: str | None, form, save) -> tuple[str | None, object, list]:
    """Run ``save`` (either editor's save; returns the question's id) and commit it.

    Returns (saved id, None, []) on success; on a concurrent save (None, the draft's version of
    the question, []) with the form's revision moved on; on problems (None, None, problems).
    """
    try:
        saved = save()
    except drafts.EditConflict as exc:
        db.session.rollback()
        flash(str(exc.message), "warning")
        form.revision.data = str(exc.revision)
        return None, _theirs(bank, qid), []
    except DomainError as exc:
        db.session.rollback()
        return None, None, _problems(exc)
    db.session.commit()
    flash(_("Question saved in the draft."), "success")
    return saved, None, []


def _theirs(bank: QuestionBank, qid: str | None):
    """The question as the draft holds it now (after someone else's save), as YAML."""
    current = services.open_draft(bank)
    if qid and current and any(q.get("id") == qid for q in services.questions_of(current.content)):
        return services.question_texts(current.content, qid)
    return None


@bp.post(f"/{SLUG}/preguntas/{QID}/quitar")
@with_draft
def remove_question(bank: QuestionBank, draft: BankDraft, qid: str):
    """Take a question out of the draft."""
    form = RevisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.remove_question(draft, current_user, qid, form.seen())
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
    else:
        db.session.commit()
        flash(_("Question removed from the draft."), "success")
    return redirect(url_for("bank_authoring.bank", slug=bank.slug))


@bp.post(f"/{SLUG}/gift")
@with_draft
def gift_preview(bank: QuestionBank, draft: BankDraft):
    """Read an uploaded GIFT file and show its questions before anything is saved."""
    form = GiftForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return redirect(url_for("bank_authoring.bank", slug=bank.slug))
    raw = form.file.data.read(GIFT_MAX_BYTES + 1)
    if len(raw) > GIFT_MAX_BYTES:
        flash(_("The file is larger than 1 MB."), "danger")
        return redirect(url_for("bank_authoring.bank", slug=bank.slug))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        flash(_("The file is not UTF-8 text: save it as UTF-8 and upload it again."), "danger")
        return redirect(url_for("bank_authoring.bank", slug=bank.slug))
    try:
        questions = services.read_gift(text, draft)
    except DomainError as exc:
        problems = _problems(exc)
        return render_template(
            "bank_authoring/gift.html",
            bank=bank,
            draft=draft,
            filename=form.file.data.filename,
            problems=problems,
            previews=[],
            text="",
            revision=drafts.part_revision(draft, "bank"),
        ), 422
    previews = []
    for question in questions:
        previews.append((question, _preview_entry(question.data, None, "es")))
    return render_template(
        "bank_authoring/gift.html",
        bank=bank,
        draft=draft,
        filename=form.file.data.filename,
        problems=[],
        previews=previews,
        text=text,
        revision=drafts.part_revision(draft, "bank"),
    )


@bp.post(f"/{SLUG}/gift/agregar")
@with_draft
def gift_add(bank: QuestionBank, draft: BankDraft):
    """Add the previewed GIFT questions to the draft (checked again: all or nothing)."""
    form = RevisionForm()
    if not form.validate_on_submit():
        abort(400)
    text = request.form.get("gift", "")
    try:
        count = services.add_gift(draft, current_user, text, form.seen())
    except drafts.EditConflict:
        db.session.rollback()
        flash(_("Someone changed the bank meanwhile: upload the file again."), "warning")
    except DomainError as exc:
        db.session.rollback()
        for problem in _problems(exc):
            flash(problem, "danger")
    else:
        db.session.commit()
        flash(_("%(count)d questions added to the draft.", count=count), "success")
    return redirect(url_for("bank_authoring.bank", slug=bank.slug))


@bp.post(f"/{SLUG}/pedir-revision")
@with_draft
def request_review(bank: QuestionBank, draft: BankDraft):
    """Put the draft in the review queue."""
    draft_views.request_review(draft, current_user, services.request_review)
    return redirect(url_for("bank_authoring.bank", slug=bank.slug))


@bp.post(f"/{SLUG}/revisar")
@with_draft
def review(bank: QuestionBank, draft: BankDraft):
    """Approve the draft as it is, or send it back with a comment."""
    draft_views.review(draft, current_user, drafts.approve, drafts.request_changes)
    return redirect(url_for("bank_authoring.bank", slug=bank.slug))


@bp.route(f"/{SLUG}/publicar", methods=["GET", "POST"])
def publish(slug: str):
    """Check the draft and publish it; attempts keep the question versions they showed."""
    bank = _bank(slug)
    draft = services.open_draft(bank)
    if draft is None:
        draft_views.no_draft_to_publish()
        return redirect(url_for("bank_authoring.bank", slug=slug))
    form, outcome = draft_views.publish_page(
        draft,
        current_user,
        services.publish,
        lambda summary: _(
            "Bank published: %(new)d new questions, %(changed)d changed, %(retired)d "
            "retired. Attempts already started keep the versions they showed.",
            new=summary.new_questions,
            changed=summary.new_question_versions,
            retired=summary.retired_questions,
        ),
    )
    if outcome in ("published", "closed"):
        return redirect(url_for("bank_authoring.bank", slug=slug))
    return render_template(
        "bank_authoring/publish.html",
        bank=bank,
        draft=draft,
        form=form,
        blockers=services.blockers(draft),
    )


@bp.post(f"/{SLUG}/descartar")
@with_draft
def discard(bank: QuestionBank, draft: BankDraft):
    """Close the draft without publishing."""
    draft_views.discard(draft, current_user, services.discard)
    return redirect(url_for("bank_authoring.bank", slug=bank.slug))


@bp.get(f"/{SLUG}/preguntas/{QID}/historial")
def history(slug: str, qid: str):
    """Every published version of a question; two of them side by side."""
    bank = _bank(slug)
    rows = services.versions_of(bank, qid)
    if not rows:
        abort(404)
    by_number = {row.version: row for row in rows}

    def pick(name: str, default: int):
        try:
            return by_number[int(request.args.get(name, default))]
        except (KeyError, ValueError):
            return by_number[default]

    draft = services.open_draft(bank)
    right = pick("a", rows[0].version)
    left = pick("de", rows[1].version if len(rows) > 1 else rows[0].version)
    sections = []
    for label, index in ((_("Spanish"), 0), (_("English"), 1)):
        a = services.raw_question(left)[index]
        b = services.raw_question(right)[index]
        sections.append(
            diff.Section(
                str(label),
                "same" if a == b else "changed",
                diff.side_by_side(services.dump_yaml(a or {}), services.dump_yaml(b or {})),
            )
        )
    return render_template(
        "bank_authoring/history.html",
        bank=bank,
        qid=qid,
        rows=rows,
        left=left,
        right=right,
        sections=sections,
        draft=draft,
        revision=drafts.part_revision(draft, f"question:{qid}") if draft else 0,
    )


@bp.post(f"/{SLUG}/preguntas/{QID}/restaurar/<int:version>")
@with_draft
def restore(bank: QuestionBank, draft: BankDraft, qid: str, version: int):
    """Put an old version of the question back into the draft, to publish it again."""
    form = RevisionForm()
    if not form.validate_on_submit():
        abort(400)
    row = next((r for r in services.versions_of(bank, qid) if r.version == version), None)
    if row is None:
        abort(404)
    try:
        services.restore(draft, current_user, row, form.seen())
    except DomainError as exc:
        db.session.rollback()
        for problem in _problems(exc):
            flash(problem, "danger")
    else:
        db.session.commit()
        flash(
            _(
                "Version %(number)d is back in the draft: publish it to make it current.",
                number=version,
            ),
            "success",
        )
    return redirect(url_for("bank_authoring.edit_question", slug=bank.slug, qid=qid))


@bp.route("/nuevo", methods=["GET", "POST"])
def new_bank():
    """Create a question bank on the web (published once it holds questions)."""
    form = NewBankForm()
    if form.validate_on_submit():
        bank = draft_views.create(
            form,
            lambda: services.create_bank(
                current_user,
                slug=form.slug.data,
                title_es=form.title_es.data,
                title_en=form.title_en.data or None,
            ),
        )
        if bank:
            flash(_("Bank created: add its questions, then publish it."), "success")
            return redirect(url_for("bank_authoring.bank", slug=bank.slug))
    return render_template("bank_authoring/new.html", form=form)
