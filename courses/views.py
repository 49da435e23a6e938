"""Blueprint "courses": catalogue, course page, enrolment, lessons, progress and print."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from app.content_registry import item_link
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import _, language
from app.pdf import render_pdf
from courses import pages, queries, services
from courses.loader import FAMILIES

bp = Blueprint("courses", __name__, url_prefix="/cursos")

SLUG = "<string(maxlength=80):slug>"
PRINT_CACHE_SIZE = 16
# A version never changes, so its PDF in each language is rendered once per process.
_print_cache: dict[tuple[str, str], bytes] = {}
KEY = "<string(maxlength=80):key>"


@bp.before_request
@login_required
def require_login():
    """Every course page is for signed-in staff."""


def _course_or_404(slug: str):
    course = queries.course_by_slug(slug)
    if course is None or course.current_version is None:
        abort(404)
    return course


@bp.get("/")
def catalogue():
    """The courses on offer, filterable by family and language."""
    family = request.args.get("familia") if request.args.get("familia") in FAMILIES else None
    language = request.args.get("idioma") if request.args.get("idioma") in ("es", "en") else None
    courses = queries.catalogue(family, language)
    mine = {row.course.id: row for row in queries.learning_of(current_user)}
    return render_template(
        "courses/catalogue.html",
        courses=courses,
        families=FAMILIES,
        family=family,
        language=language,
        mine=mine,
    )


@bp.get(f"/{SLUG}")
def detail(slug: str):
    """A course: outline, time, progress and the learner's status."""
    course = _course_or_404(slug)
    enrollment = queries.enrollment_for(current_user, course)
    version = enrollment.version if enrollment else course.current_version
    outline = queries.outline(version, enrollment)
    progress = queries.progress_of(outline)
    # Two tabs finishing the last two items at once: the course completes on the next visit.
    if (
        enrollment
        and enrollment.completed_at is None
        and progress.done == progress.total
        and services.evaluate_completion(enrollment, current_user)
    ):
        db.session.commit()
    return render_template(
        "courses/detail.html",
        course=course,
        version=version,
        enrollment=enrollment,
        outline=outline,
        progress=progress,
        form=ConfirmForm(),
        newer=enrollment is not None and enrollment.course_version_id != course.current_version_id,
    )


@bp.post(f"/{SLUG}/inscribirse")
def enroll(slug: str):
    """Enrol the current user (a second click changes nothing)."""
    course = _course_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.enroll(course, current_user)
    except DomainError as exc:
        flash(str(exc.message), "warning")
        return redirect(url_for("courses.detail", slug=slug))
    db.session.commit()
    flash(_("You are enrolled. Your progress is saved as you go."), "success")
    return redirect(url_for("courses.resume", slug=slug))


@bp.get(f"/{SLUG}/continuar")
def resume(slug: str):
    """Go back to where the learner left off (or to the first unfinished item)."""
    course = _course_or_404(slug)
    enrollment = queries.enrollment_for(current_user, course)
    if enrollment is None:
        return redirect(url_for("courses.detail", slug=slug))
    outline = queries.outline(enrollment.version, enrollment)
    lessons = [row for row in outline if row.item.kind == "lesson"]
    target = next((row for row in lessons if row.item.id == enrollment.last_item_id), None)
    target = target or next((row for row in lessons if not row.done), None)
    if target is None:
        return redirect(url_for("courses.detail", slug=slug))
    return redirect(url_for("courses.lesson", slug=slug, key=target.item.ref))


@bp.get(f"/{SLUG}/lecciones/{KEY}")
def lesson(slug: str, key: str):
    """A lesson of the learner's course version."""
    course = _course_or_404(slug)
    enrollment = queries.enrollment_for(current_user, course)
    if enrollment is None:
        flash(_("Enrol in the course to open its lessons."), "info")
        return redirect(url_for("courses.detail", slug=slug))
    page = pages.lesson_page(course, enrollment, key, language())
    if page is None:
        abort(404)
    if enrollment.completed_at is None and services.record_view(
        enrollment, page.current.item, queries.progress_row(enrollment, page.current.item)
    ):
        db.session.commit()
    return render_template("courses/lesson.html", page=page, form=ConfirmForm())


@bp.post(f"/{SLUG}/lecciones/{KEY}/completar")
def complete_lesson(slug: str, key: str):
    """Mark a lesson done (twice is harmless) and go on to the next item."""
    course = _course_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    enrollment = queries.enrollment_for(current_user, course)
    if enrollment is None:
        return redirect(url_for("courses.detail", slug=slug))
    items = enrollment.version.items
    index = next((i for i, it in enumerate(items) if it.kind == "lesson" and it.ref == key), None)
    if index is None:
        abort(404)
    finished = services.complete_item(enrollment, items[index], current_user)
    db.session.commit()
    if finished:
        title = enrollment.version.title(language())
        flash(_("Congratulations: you have completed %(title)s.", title=title), "success")
        return redirect(url_for("courses.detail", slug=slug))
    nxt = items[index + 1] if index + 1 < len(items) else None
    if nxt is not None and nxt.kind == "lesson":
        return redirect(url_for("courses.lesson", slug=slug, key=nxt.ref))
    if nxt is not None and item_link(nxt.kind, nxt.ref):
        return redirect(item_link(nxt.kind, nxt.ref))
    return redirect(url_for("courses.detail", slug=slug))


@bp.get(f"/{SLUG}/imprimir")
def print_course(slug: str):
    """The whole course as a PDF, to study offline."""
    course = _course_or_404(slug)
    enrollment = queries.enrollment_for(current_user, course)
    version = enrollment.version if enrollment else course.current_version
    locale = language()
    key = (version.content_hash, locale)
    pdf = _print_cache.get(key)
    if pdf is None:
        rows = queries.lessons_of(version.id)
        lessons = [
            pages.print_lesson(version, rows[item.ref], locale)
            for item in version.items
            if item.kind == "lesson"
        ]
        html = render_template(
            "courses/print.html", course=course, version=version, lessons=lessons
        )
        pdf = render_pdf(html)
        if len(_print_cache) >= PRINT_CACHE_SIZE:
            _print_cache.pop(next(iter(_print_cache)))
        _print_cache[key] = pdf
    filename = f"{course.slug}-v{version.number}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
