"""Blueprint "auth": log in and out, password reset, own profile and password."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from app.audit import record_event
from app.auth import services
from app.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
)
from app.errors import DomainError
from app.extensions import db, limiter
from app.forms import ConfirmForm
from app.i18n import SESSION_LANGUAGE_KEY, _
from app.security import is_safe_redirect
from app.urls import reset_password_url

bp = Blueprint("auth", __name__, url_prefix="/cuenta")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


@bp.route("/entrar", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Show the login form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as exc:
            db.session.commit()  # keep the failure count and the audit trail
            form.form_errors.append(str(exc.message))
        else:
            target = request.args.get("next")
            language = session.get(SESSION_LANGUAGE_KEY)
            session.clear()  # a fresh session cookie at every login
            if language:
                session[SESSION_LANGUAGE_KEY] = language
            login_user(user, remember=form.remember.data)
            db.session.commit()
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(target if is_safe_redirect(target) else url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.post("/salir")
@login_required
def logout():
    """Sign out and forget the remember-me cookie."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("main.home"))
    record_event("auth.logout", target=current_user)
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/olvide-contrasena", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    """Ask for a password-reset e-mail."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(
            form.email.data,
            reset_password_url,
        )
        db.session.commit()
        flash(
            _(
                "If an active account uses %(email)s, a link to choose a new password is on its "
                "way. It is valid for one hour. Check your spam folder if it does not arrive.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/restablecer/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    """Choose a new password from an e-mailed link."""
    user = services.user_for_reset_token(token)
    if user is None:
        flash(
            _(
                "This password link is not valid: it has expired, was already used or is "
                "incomplete. Ask for a new one below."
            ),
            "danger",
        )
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    form.user_inputs = [user.email, user.display_name]
    if form.validate_on_submit():
        services.change_password(user, form.password.data, reason="reset")
        db.session.commit()
        logout_user()
        flash(_("Your password has been changed. You can log in now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user)


@bp.route("/perfil", methods=["GET", "POST"])
@login_required
def profile():
    """Show and edit the user's own name and language."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_user(
            current_user,
            current_user,
            display_name=form.display_name.data.strip(),
            language=form.language.data,
        )
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form)


@bp.route("/contrasena", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"])
def change_password():
    """Change the password, asking for the current one first (wrong guesses count to the lock)."""
    form = ChangePasswordForm()
    form.user_inputs = [current_user.email, current_user.display_name]
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not services.verify_password(user, form.current_password.data):
            try:
                services.register_password_failure(user, reason="change-password")
            except DomainError as exc:
                db.session.commit()
                logout_user()
                flash(str(exc.message), "danger")
                return redirect(url_for("auth.login"))
            db.session.commit()
            form.current_password.errors.append(_("The current password is not correct."))
        else:
            remembered = bool(request.cookies.get(current_app.config["REMEMBER_COOKIE_NAME"]))
            services.change_password(user, form.password.data, reason="change")
            db.session.commit()
            # The session id changed with the session version; keep remember-me if it was on.
            login_user(user, remember=remembered)
            flash(
                _("Your password has been changed. Other devices have been signed out."), "success"
            )
            return redirect(url_for("auth.profile"))
    return render_template("auth/change_password.html", form=form)
