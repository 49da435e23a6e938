"""Blueprint "authoring": trainers write, review, publish and compare courses on the web.

Every edit goes into the course's draft; learners see nothing until it is published as a
new version, and learners already enrolled stay on the version they started.
"""

import io
from functools import wraps

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from app import draft_views, drafts
from app.auth.models import User, UserRole
from app.content_registry import known_slugs
from app.draft_views import ReviewForm, RevisionForm
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm, legal_choices
from app.i18n import _, _l, language
from app.security import Role, role_required
from assessments.authoring.models import BankDraft, QuizDraft
from case_simulations.models import ScenarioDraft
from courses import services as course_services
from courses.authoring import diff, edits, images, packs, preview, services
from courses.authoring.forms import (
    CourseForm,
    ImageForm,
    ItemForm,
    LessonForm,
    ModuleForm,
    NewCourseForm,
    PackForm,
    SettingsForm,
    TermForm,
)
from courses.authoring.models import CourseDraft
from courses.loader import FAMILIES
from courses.models import Course, CourseVersion

bp = Blueprint("authoring", __name__, url_prefix="/autoria")
media_bp = Blueprint("media", __name__, url_prefix="/medios")
AUTHORS = (Role.TRAINER, Role.ADMIN)
SLUG = "<string(maxlength=80):slug>"
KEY = "<string(maxlength=80):key>"

FAMILY_LABELS = {
    "derechos-humanos": _l("Human rights"),
    "ley-hondurena": _l("Honduran law"),
    "ley-mexicana": _l("Mexican law"),
    "documentacion": _l("Case documentation"),
}
KIND_LABELS = {
    "lesson": _l("Lesson"),
    "assessment": _l("Quiz"),
    "simulation": _l("Simulation"),
}
COMPLETION_CHOICES = {
    "lessons": [("all", _l("All required lessons read")), ("none", _l("Not needed"))],
    "assessments": [("pass-all", _l("Pass every required quiz")), ("none", _l("Not needed"))],
    "simulations": [
        ("pass-all", _l("Pass every required simulation")),
        ("none", _l("Not needed")),
    ],
}
TRANSLATION_LABELS = {
    "missing": _l("Not translated"),
    "outdated": _l("English out of date"),
    "current": _l("Translated"),
}


@bp.before_request
@role_required(*AUTHORS)
def require_author_role():
    """Only trainers and admins author content."""


@media_bp.before_request
@login_required
def require_login():
    """Lesson images are for signed-in staff, like the lessons."""


@media_bp.get("/<string(maxlength=40):filename>")
def image(filename: str):
    """A lesson image (immutable: its name is its content's hash)."""
    row = db.session.scalar(
        select(images.CourseImage).where(images.CourseImage.filename == filename)
    )
    if row is None:
        abort(404)
    response = send_from_directory(images.folder(), filename, mimetype=row.mimetype, max_age=0)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


# --- helpers ---------------------------------------------------------------------------------


def _course(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    return course


def _author_or_403(course: Course) -> None:
    if not services.can_author(current_user, course):
        abort(403)


def with_draft(*, author: bool = True):
    """Give the view the course and its open draft; without a draft, go to the course page.

    With ``author``, only the course's authors may open the view (others get 403).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(slug: str, **kwargs):
            course = _course(slug)
            if author:
                _author_or_403(course)
            draft = services.open_draft(course)
            if draft is None:
                if request.method == "GET":
                    flash(_("This course has no draft: start one to edit it."), "info")
                return redirect(url_for("authoring.course", slug=slug))
            return view(course, draft, **kwargs)

        return wrapped

    return decorator


def _save(form, draft: CourseDraft, part: str, change, *, on_error=None) -> str:
    """Save ``change`` into ``part`` of the draft: "saved", "conflict" or "refused".

    A conflict keeps the user's input and flashes who saved first; the form's revision moves
    on so that saving again, after merging, goes through. ``on_error(message)`` receives a
    refusal's message (default: flashed).
    """
    try:
        services.save_part(draft, current_user, part, form.seen(), change)
    except drafts.EditConflict as exc:
        db.session.rollback()
        flash(str(exc.message), "warning")
        form.revision.data = str(exc.revision)
        return "conflict"
    except DomainError as exc:
        db.session.rollback()
        (on_error or _flash_error)(exc)
        return "refused"
    db.session.commit()
    return "saved"


def _family_choices():
    return [(f, str(FAMILY_LABELS.get(f, f))) for f in FAMILIES]


def _position_choices():
    from app.auth.models import Position

    return [
        (p.code, p.name_for(language()))
        for p in db.session.scalars(select(Position).order_by(Position.code))
    ]


def _flash_error(exc: DomainError) -> None:
    flash(str(exc.message), "danger")


# --- index, new course -----------------------------------------------------------------------


@bp.get("/")
def index():
    """Every course with its draft and review state; the review queue."""
    courses = list(db.session.scalars(select(Course).order_by(Course.code)))
    open_drafts = {
        d.course_id: d
        for d in db.session.scalars(select(CourseDraft).where(CourseDraft.closed_at.is_(None)))
    }

    def waiting(rows):
        return [
            d
            for d in rows
            if d.review_requested_at is not None
            and not d.is_approved
            and drafts.can_review(current_user, d)
        ]

    others = []
    for model, label, endpoint in (
        (BankDraft, _l("Question bank"), "bank_authoring.bank"),
        (QuizDraft, _l("Quiz"), "quiz_authoring.quiz"),
        (ScenarioDraft, _l("Simulation"), "scenario_authoring.scenario"),
    ):
        for draft in waiting(db.session.scalars(select(model).where(model.closed_at.is_(None)))):
            target = draft.target
            title = getattr(target, "title_es", None) or target.slug
            others.append((label, title, url_for(endpoint, slug=target.slug), draft))
    users = _users({d.created_by_id for d in open_drafts.values()})
    return render_template(
        "authoring/index.html",
        courses=courses,
        drafts=open_drafts,
        to_review=waiting(open_drafts.values()),
        others_to_review=others,
        users=users,
        can_author=lambda c: services.can_author(current_user, c),
        form=ConfirmForm(),
    )


def _users(ids) -> dict[int, User]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


@bp.route("/cursos/nuevo", methods=["GET", "POST"])
def new_course():
    """Create a course on the web (it starts as a draft)."""
    form = NewCourseForm()
    form.family.choices = _family_choices()
    if form.validate_on_submit():
        created = draft_views.create(
            form,
            lambda: services.create_course(
                current_user,
                slug=form.slug.data,
                code=form.code.data,
                family=form.family.data,
                title_es=form.title_es.data,
                title_en=form.title_en.data or None,
            ),
        )
        if created:
            flash(_("Course created. Write its first lesson, then publish it."), "success")
            return redirect(url_for("authoring.course", slug=created[0].slug))
    return render_template("authoring/new_course.html", form=form)


# --- course overview -------------------------------------------------------------------------


@bp.get(f"/cursos/{SLUG}")
def course(slug: str):
    """The course's draft (structure, lessons, state) or its published version."""
    course = _course(slug)
    draft = services.open_draft(course)
    content = (
        draft.content
        if draft
        else (
            course_services.version_as_dict(course.current_version)
            if course.current_version
            else None
        )
    )
    items = preview.outline(content) if content else []
    translation = (
        {key: services.translation_state(draft, key) for key in content["lessons"]} if draft else {}
    )
    item_form = ItemForm(revision=drafts.part_revision(draft, "structure") if draft else 0)
    module_form = ModuleForm(revision=item_form.revision.data)
    if draft:
        item_form.module_id.choices = [
            (m["id"], m["title"].get("es", m["id"])) for m in content["modules"]
        ]
        _item_choices(item_form, content)
    return render_template(
        "authoring/course.html",
        course=course,
        draft=draft,
        content=content,
        items=items,
        translation=translation,
        translation_labels=TRANSLATION_LABELS,
        kind_labels=KIND_LABELS,
        item_form=item_form,
        module_form=module_form,
        form=ConfirmForm(),
        review_form=ReviewForm(revision=draft.revision if draft else 0),
        can_author=services.can_author(current_user, course),
        can_review=draft is not None and drafts.can_review(current_user, draft),
        blockers=services.blockers(draft) if draft else [],
        users=draft_views.people_of(draft),
        structure_revision=drafts.part_revision(draft, "structure") if draft else 0,
    )


def _item_choices(form: ItemForm, content: dict) -> None:
    form.kind.choices = [(k, str(label)) for k, label in KIND_LABELS.items()]
    used = {edits.item_kind_ref(i) for m in content["modules"] for i in m["items"]}
    for kind, field in (("assessment", form.assessment), ("simulation", form.simulation)):
        slugs = sorted(s for s in known_slugs(kind) if (kind, s) not in used)
        field.choices = [("", "—"), *((s, s) for s in slugs)]


@bp.post(f"/cursos/{SLUG}/borrador")
def start_draft(slug: str):
    """Open the course's draft (the same one if it is already open)."""
    course = _course(slug)
    _author_or_403(course)
    draft_views.start(course, current_user, services.start_draft)
    return redirect(url_for("authoring.course", slug=slug))


# --- editing ---------------------------------------------------------------------------------


@bp.route(f"/cursos/{SLUG}/datos", methods=["GET", "POST"])
@with_draft()
def edit_course(course: Course, draft: CourseDraft):
    """The course's titles, summary, code, version label, audience and completion rules."""
    content = draft.content
    form = CourseForm()
    form.family.choices = _family_choices()
    form.audience.choices = _position_choices()
    for name, choices in COMPLETION_CHOICES.items():
        getattr(form, f"completion_{name}").choices = [(v, str(lbl)) for v, lbl in choices]
    theirs = None
    if request.method == "GET":
        form.process(
            data={
                "revision": drafts.part_revision(draft, "course"),
                "title_es": content["title"].get("es"),
                "title_en": content["title"].get("en"),
                "summary_es": content["summary"].get("es"),
                "summary_en": content["summary"].get("en"),
                "code": content["code"],
                "version": content["version"],
                "family": content["family"],
                "audience": content.get("audience", []),
                "estimated_minutes": content["estimated_minutes"],
                "certificate_validity_months": content["certificate_validity_months"],
                **{f"completion_{k}": v for k, v in content.get("completion", {}).items()},
            }
        )
    elif form.validate_on_submit():
        data = {name: field.data for name, field in form._fields.items()}
        outcome = _save(form, draft, "course", lambda c, b: edits.set_course(c, data))
        if outcome == "saved":
            flash(_("Saved in the draft."), "success")
            return redirect(url_for("authoring.course", slug=course.slug))
        if outcome == "conflict":
            theirs = services.open_draft(course).content
    return render_template(
        "authoring/course_form.html", course=course, draft=draft, form=form, theirs=theirs
    )


@bp.route(f"/cursos/{SLUG}/lecciones/{KEY}", methods=["GET", "POST"])
@with_draft()
def edit_lesson(course: Course, draft: CourseDraft, key: str):
    """A lesson in Spanish and English side by side, with a preview rendered by the server."""
    lesson = draft.content["lessons"].get(key)
    if lesson is None:
        abort(404)
    part = f"lesson:{key}"
    form = LessonForm()
    form.legal_refs.choices = legal_choices()
    theirs, previews = None, None
    if request.method == "GET":
        es, en = lesson.get("es") or {}, lesson.get("en") or {}
        form.process(
            data={
                "revision": drafts.part_revision(draft, part),
                "title_es": es.get("title"),
                "objectives_es": "\n".join(es.get("objectives", [])),
                "body_es": es.get("body"),
                "title_en": en.get("title"),
                "objectives_en": "\n".join(en.get("objectives", [])),
                "body_en": en.get("body"),
                "estimated_minutes": lesson.get("estimated_minutes"),
                "legal_refs": lesson.get("legal_refs", []),
                "review_notes": "\n".join(lesson.get("review_notes", [])),
            }
        )
    elif request.form.get("action") == "preview":
        form.validate()  # show field errors, but a preview never saves
        previews = _previews(draft.content, key, form)
    elif form.validate_on_submit():
        data = {name: field.data for name, field in form._fields.items()}
        checked = form.english_checked.data
        outcome = _save(form, draft, part, lambda c, b: edits.set_lesson(c, b, key, data, checked))
        if outcome == "saved":
            flash(_("Lesson saved in the draft."), "success")
            return redirect(url_for("authoring.edit_lesson", slug=course.slug, key=key))
        if outcome == "conflict":
            theirs = services.open_draft(course).content["lessons"].get(key)
    return render_template(
        "authoring/lesson_form.html",
        course=course,
        draft=draft,
        key=key,
        form=form,
        theirs=theirs,
        previews=previews,
        state=services.translation_state(draft, key),
        translation_labels=TRANSLATION_LABELS,
        glossary=draft.content.get("glossary", []),
        images=images.images_of(course),
        image_form=ImageForm(),
    )


def _previews(content: dict, key: str, form: LessonForm) -> dict:
    """Both languages of the form's text rendered as learners would see them (not saved)."""
    data = {name: field.data for name, field in form._fields.items()}
    data["title_es"] = data.get("title_es") or key
    data["estimated_minutes"] = data.get("estimated_minutes") or 0
    trial = {**content, "lessons": {**content["lessons"], key: dict(content["lessons"][key])}}
    edits.set_lesson(trial, {}, key, data, False)
    out = {"es": preview.lesson(trial, key, "es")}
    if trial["lessons"][key].get("en"):
        out["en"] = preview.lesson(trial, key, "en")
    return out


@bp.post(f"/cursos/{SLUG}/estructura")
@with_draft()
def structure(course: Course, draft: CourseDraft):
    """Modules and items: add, rename, move up or down, mark optional, remove."""
    form = RevisionForm()
    if not form.validate_on_submit():
        abort(400)
    op = request.form.get("op", "")
    module_id = request.form.get("module", "")
    index = request.form.get("index", type=int, default=-1)
    new_lesson = (request.form.get("lesson_key") or "").strip()
    adds_lesson = op == "add_item" and request.form.get("kind") == "lesson" and new_lesson
    # A lesson added here is a new part: its revision starts now (a stale editor of a removed
    # lesson with the same key cannot overwrite it).
    also = (f"lesson:{new_lesson}",) if adds_lesson else ()

    def change(content, basis):
        if op == "add_module":
            edits.add_module(
                content,
                (request.form.get("module_id") or "").strip(),
                (request.form.get("title_es") or "").strip() or _required(),
                request.form.get("title_en"),
            )
        elif op == "rename_module":
            edits.rename_module(
                content,
                module_id,
                (request.form.get("title_es") or "").strip() or _required(),
                request.form.get("title_en"),
            )
        elif op in ("module_up", "module_down"):
            edits.move_module(content, module_id, -1 if op == "module_up" else 1)
        elif op == "remove_module":
            edits.remove_module(content, module_id)
        elif op == "add_item":
            kind = request.form.get("kind", "")
            ref = {
                "lesson": request.form.get("lesson_key", ""),
                "assessment": request.form.get("assessment", ""),
                "simulation": request.form.get("simulation", ""),
            }.get(kind)
            if ref is None:
                raise DomainError(_l("Choose what to add."))
            edits.add_item(
                content,
                request.form.get("module_id", ""),
                kind,
                ref.strip(),
                request.form.get("lesson_title"),
            )
        elif op in ("item_up", "item_down"):
            edits.move_item(content, module_id, index, -1 if op == "item_up" else 1)
        elif op in ("optional", "required"):
            edits.set_optional(content, module_id, index, op == "optional")
        elif op == "remove_item":
            edits.remove_item(content, module_id, index)
        else:
            raise DomainError(_l("Unknown action."))

    try:
        services.save_part(draft, current_user, "structure", form.seen(), change, also=also)
    except drafts.EditConflict:
        db.session.rollback()
        flash(
            _(
                "Someone changed the course outline after you opened this page; nothing was "
                "changed. Here is the outline as it is now: try again."
            ),
            "warning",
        )
    except DomainError as exc:
        db.session.rollback()
        _flash_error(exc)
    else:
        db.session.commit()
        flash(_("Outline saved in the draft."), "success")
    return redirect(url_for("authoring.course", slug=course.slug) + "#estructura")


def _required():
    raise DomainError(_l("Give a title in Spanish."))


@bp.route(f"/cursos/{SLUG}/glosario", methods=["GET", "POST"])
@with_draft()
def glossary(course: Course, draft: CourseDraft):
    """The course glossary: add, change or remove terms that lessons link to with [[id]]."""
    slug = course.slug
    editing = request.args.get("termino")
    form = TermForm()
    revision = drafts.part_revision(draft, "glossary")
    if request.method == "GET":
        row = next((t for t in draft.content.get("glossary", []) if t["id"] == editing), None)
        data = {"revision": revision}
        if row:
            data.update(
                original=row["id"],
                id=row["id"],
                term_es=row["term"].get("es"),
                term_en=row["term"].get("en"),
                definition_es=row["definition"].get("es"),
                definition_en=row["definition"].get("en"),
            )
        form.process(data=data)
    elif request.form.get("op") == "remove":
        if not RevisionForm().validate_on_submit():
            abort(400)
        term_id = request.form.get("term", "")
        if _save(RevisionForm(), draft, "glossary", lambda c, b: edits.remove_term(c, term_id)) == (
            "saved"
        ):
            flash(_("Term removed from the draft."), "success")
        return redirect(url_for("authoring.glossary", slug=slug))
    elif form.validate_on_submit():
        data = {name: field.data for name, field in form._fields.items()}
        original = form.original.data or None
        outcome = _save(
            form,
            draft,
            "glossary",
            lambda c, b: edits.save_term(c, original, data),
            on_error=lambda exc: form.id.errors.append(str(exc.message)),
        )
        if outcome == "saved":
            flash(_("Term saved in the draft."), "success")
            return redirect(url_for("authoring.glossary", slug=slug))
    return render_template(
        "authoring/glossary.html",
        course=course,
        draft=draft,
        form=form,
        terms=draft.content.get("glossary", []),
        revision=revision,
        uses={t["id"]: edits.term_uses(draft.content, t["id"]) for t in draft.content["glossary"]},
    )


@bp.post(f"/cursos/{SLUG}/imagenes")
def upload_image(slug: str):
    """Upload an image and get the Markdown that shows it."""
    course = _course(slug)
    _author_or_403(course)
    form = ImageForm()
    back = request.form.get("back") or ""
    target = back if back.startswith(f"/autoria/cursos/{slug}/") else None
    if form.validate_on_submit():
        try:
            image = images.store(
                course, current_user, form.image.data.stream, form.image.data.filename
            )
        except DomainError as exc:
            db.session.rollback()
            _flash_error(exc)
        else:
            db.session.commit()
            flash(
                _(
                    "Image uploaded. Paste this where it should appear: %(markdown)s",
                    markdown=images.markdown_for(image, form.alt.data),
                ),
                "success",
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
    return redirect(target or url_for("authoring.course", slug=slug))


@bp.route(f"/cursos/{SLUG}/ajustes", methods=["GET", "POST"])
def settings(slug: str):
    """Owners and the review rule (they apply at once, not through the draft)."""
    course = _course(slug)
    _author_or_403(course)
    form = SettingsForm()
    trainers = list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role.in_([Role.TRAINER.value, Role.ADMIN.value]))
            .where(User.is_active.is_(True))
            .order_by(User.display_name)
            .distinct()
        )
    )
    form.owners.choices = [(str(u.id), f"{u.display_name} <{u.email}>") for u in trainers]
    if request.method == "GET":
        form.process(
            data={
                "owners": [str(i) for i in services.owner_ids(course)],
                "requires_review": course.requires_review,
            }
        )
    elif form.validate_on_submit():
        owners = {int(i) for i in form.owners.data or []}
        if owners and current_user.id not in owners and not current_user.has_role(Role.ADMIN):
            form.owners.errors = [
                *form.owners.errors,
                _("Keep yourself among the owners, or you could no longer edit the course."),
            ]
        else:
            services.set_owners(course, current_user, owners)
            services.set_requires_review(course, current_user, form.requires_review.data)
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("authoring.course", slug=slug))
    return render_template("authoring/settings.html", course=course, form=form)


# --- preview ---------------------------------------------------------------------------------


@bp.get(f"/cursos/{SLUG}/vista-previa")
@with_draft(author=False)
def preview_course(course: Course, draft: CourseDraft):
    """The draft's outline as a learner would see it."""
    return render_template(
        "authoring/preview_course.html",
        course=course,
        draft=draft,
        content=draft.content,
        items=preview.outline(draft.content),
        kind_labels=KIND_LABELS,
    )


@bp.get(f"/cursos/{SLUG}/vista-previa/{KEY}")
@with_draft(author=False)
def preview_lesson(course: Course, draft: CourseDraft, key: str):
    """One lesson of the draft, exactly as a learner would read it in the chosen language."""
    page = preview.lesson(draft.content, key, language())
    if page is None:
        abort(404)
    items = [i for i in preview.outline(draft.content) if i.kind == "lesson"]
    index = next((n for n, i in enumerate(items) if i.ref == key), 0)
    return render_template(
        "authoring/preview_lesson.html",
        course=course,
        draft=draft,
        page=page,
        previous=items[index - 1] if index > 0 else None,
        next=items[index + 1] if index + 1 < len(items) else None,
    )


# --- review, publish, discard ----------------------------------------------------------------


@bp.post(f"/cursos/{SLUG}/pedir-revision")
@with_draft()
def request_review(course: Course, draft: CourseDraft):
    """Put the draft in the other trainers' review queue."""
    draft_views.request_review(draft, current_user, services.request_review)
    return redirect(url_for("authoring.course", slug=course.slug))


@bp.post(f"/cursos/{SLUG}/revisar")
@with_draft(author=False)
def review(course: Course, draft: CourseDraft):
    """Approve the draft as it is, or send it back with a comment."""
    draft_views.review(draft, current_user, drafts.approve, drafts.request_changes)
    return redirect(url_for("authoring.course", slug=course.slug))


@bp.route(f"/cursos/{SLUG}/publicar", methods=["GET", "POST"])
def publish(slug: str):
    """Check the draft and publish it as a new version with a change note."""
    course = _course(slug)
    _author_or_403(course)
    draft = services.open_draft(course)
    if draft is None:
        draft_views.no_draft_to_publish()
        target = "authoring.versions" if request.method == "POST" else "authoring.course"
        return redirect(url_for(target, slug=slug))
    form, outcome = draft_views.publish_page(
        draft,
        current_user,
        services.publish,
        lambda version: _(
            "Version %(number)d published. New enrolments start on it; learners "
            "already enrolled stay on their version.",
            number=version.number,
        ),
    )
    if outcome in ("published", "closed"):
        return redirect(url_for("authoring.versions", slug=slug))
    if outcome == "refused":
        form.revision.data = str(services.open_draft(course).revision)
    current = course.current_version
    sections = diff.compare(
        course_services.version_as_dict(current) if current else _empty(draft.content),
        draft.content,
    )
    return render_template(
        "authoring/publish.html",
        course=course,
        draft=draft,
        form=form,
        blockers=services.blockers(draft),
        sections=[s for s in sections if s.status != "same"],
        base_is_current=draft.base_version_id == course.current_version_id,
    )


def _empty(content: dict) -> dict:
    return {**content, "modules": [], "glossary": [], "lessons": {}}


@bp.post(f"/cursos/{SLUG}/descartar")
@with_draft()
def discard(course: Course, draft: CourseDraft):
    """Close the draft without publishing."""
    draft_views.discard(draft, current_user, services.discard)
    return redirect(url_for("authoring.course", slug=course.slug))


# --- versions --------------------------------------------------------------------------------


@bp.get(f"/cursos/{SLUG}/versiones")
def versions(slug: str):
    """Every published version, who published and reviewed it, and who is still on it."""
    course = _course(slug)
    rows = list(
        db.session.scalars(
            select(CourseVersion)
            .where(CourseVersion.course_id == course.id)
            .order_by(CourseVersion.number.desc())
        )
    )
    return render_template(
        "authoring/versions.html",
        course=course,
        versions=rows,
        learners=services.learners_on([v.id for v in rows]),
        users=_users([v.published_by_id for v in rows] + [v.reviewed_by_id for v in rows]),
        form=ConfirmForm(),
        can_author=services.can_author(current_user, course),
        has_draft=services.open_draft(course) is not None,
    )


@bp.get(f"/cursos/{SLUG}/comparar")
def compare(slug: str):
    """Two versions (or a version and the draft) side by side, lessons in both languages."""
    course = _course(slug)
    numbers = {
        v.number: v
        for v in db.session.scalars(
            select(CourseVersion).where(CourseVersion.course_id == course.id)
        )
    }
    draft = services.open_draft(course)

    def side(value: str | None):
        if value == "borrador" and draft is not None:
            return _("Draft"), draft.content
        try:
            version = numbers[int(value or "")]
        except (KeyError, ValueError):
            return None
        return _("Version %(number)d (%(label)s)", number=version.number, label=version.label), (
            course_services.version_as_dict(version)
        )

    newest = max(numbers) if numbers else None
    left = side(request.args.get("de")) or (side(str(newest - 1)) if newest else None)
    right = side(request.args.get("a")) or (side(str(newest)) if newest else None)
    sections = diff.compare(left[1], right[1]) if left and right else []
    return render_template(
        "authoring/compare.html",
        course=course,
        numbers=sorted(numbers, reverse=True),
        has_draft=draft is not None,
        left=left,
        right=right,
        chosen=(request.args.get("de", ""), request.args.get("a", "")),
        sections=sections,
        changed=sum(1 for s in sections if s.status != "same"),
    )


@bp.post(f"/cursos/{SLUG}/versiones/<int:number>/restaurar")
def rollback(slug: str, number: int):
    """Start a draft holding an old version, to publish it again as the newest."""
    course = _course(slug)
    _author_or_403(course)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    version = db.session.scalar(
        select(CourseVersion).where(
            CourseVersion.course_id == course.id, CourseVersion.number == number
        )
    )
    if version is None:
        abort(404)
    try:
        services.start_draft(course, current_user, from_version=version)
    except DomainError as exc:
        db.session.rollback()
        _flash_error(exc)
        return redirect(url_for("authoring.versions", slug=slug))
    db.session.commit()
    flash(
        _(
            "The draft now holds version %(number)d with a new label. Check it and publish it "
            "to make it current again.",
            number=number,
        ),
        "success",
    )
    return redirect(url_for("authoring.publish", slug=slug))


# --- content packs ---------------------------------------------------------------------------


@bp.get(f"/cursos/{SLUG}/paquete.zip")
def export_pack(slug: str):
    """The course's published version with its quizzes, banks, simulations and images."""
    course = _course(slug)
    try:
        data = packs.export(course)
    except DomainError as exc:
        _flash_error(exc)
        return redirect(url_for("authoring.course", slug=slug))
    label = course.current_version.label
    return send_file(
        io.BytesIO(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{slug}-{label}.zip",
    )


@bp.route("/paquetes", methods=["GET", "POST"])
def import_pack():
    """Upload a content pack: checked whole, then drafts are opened for review."""
    form = PackForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            course = packs.import_pack(form.file.data.read(packs.MAX_BYTES + 1), current_user)
        except DomainError as exc:
            db.session.rollback()
            _flash_error(exc)
            problems = list(getattr(exc, "problems", []))
        else:
            db.session.commit()
            flash(
                _(
                    "Pack imported into drafts: review and publish them (banks and quizzes "
                    "first, then the course)."
                ),
                "success",
            )
            return redirect(url_for("authoring.course", slug=course.slug))
    status = 422 if problems else 200
    return render_template("authoring/pack.html", form=form, problems=problems), status
