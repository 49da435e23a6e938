"""Blueprint "main": the home page, the language switch and /healthz."""

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import text

from app import __version__
from app.extensions import db
from app.forms import LanguageForm
from app.home import nav_links_for, panels_for
from app.i18n import SESSION_LANGUAGE_KEY
from app.security import is_safe_redirect

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Send visitors to the login page and users to their home page."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return redirect(url_for("auth.login"))


@bp.get("/inicio")
@login_required
def home():
    """The user's home page, assembled from the panels their roles may see."""
    return render_template("main/home.html", panels=panels_for(current_user))


@bp.post("/idioma")
def set_language():
    """Switch the interface language; saved on the account when logged in."""
    form = LanguageForm()
    target = form.next.data if is_safe_redirect(form.next.data) else url_for("main.index")
    if form.validate_on_submit():
        session[SESSION_LANGUAGE_KEY] = form.language.data
        if current_user.is_authenticated and current_user.language != form.language.data:
            current_user.language = form.language.data
            db.session.commit()
    return redirect(target)


@bp.get("/healthz")
def healthz():
    """Report the version and whether the database answers (503 when it does not)."""
    try:
        db.session.execute(text("SELECT 1"))
        database_ok = True
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        current_app.logger.exception("health check: database did not answer")
        db.session.rollback()
        database_ok = False
    body = {
        "status": "ok" if database_ok else "degraded",
        "version": __version__,
        "database": database_ok,
    }
    return jsonify(body), 200 if database_ok else 503


@bp.app_context_processor
def inject_language_form():
    """Give every page the language switch, pointing back at the current page."""
    if not request:
        return {}
    form = LanguageForm(formdata=None, next=request.full_path.rstrip("?"))
    links = nav_links_for(current_user) if current_user.is_authenticated else []
    return {"language_form": form, "nav_links": links}
