"""Blueprint "api_tokens": administrators create, scope and revoke API tokens."""

import secrets
from datetime import UTC, datetime, time

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app.admin import queries as admin_queries
from app.api import services
from app.api.core import SCOPES
from app.api.forms import TokenForm
from app.api.models import ApiToken
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import _
from app.security import Role, role_required

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api")


@bp.before_request
@role_required(Role.ADMIN)
def require_admin():
    """Administrators only."""


def _form() -> TokenForm:
    form = TokenForm()
    form.offices.choices = [(o.id, o.name) for o in admin_queries.open_offices()]
    if not form.nonce.data:
        form.nonce.data = secrets.token_urlsafe(24)
    return form


def _page(form: TokenForm, created: str | None = None, status: int = 200):
    offices = {o.id: o.name for o in admin_queries.open_offices()}
    return (
        render_template(
            "api/tokens.html",
            form=form,
            tokens=services.tokens(),
            created=created,
            scopes=SCOPES,
            offices=offices,
            confirm=ConfirmForm(),
        ),
        status,
    )


@bp.route("", methods=["GET", "POST"])
def tokens():
    """List tokens; create one (its secret is shown once, here)."""
    form = _form()
    if form.validate_on_submit():
        expires = (
            datetime.combine(form.expires_on.data, time.max, tzinfo=UTC)
            if form.expires_on.data
            else None
        )
        try:
            _token, raw = services.create_token(
                name=form.name.data,
                scopes=set(form.scopes.data or ()),
                office_ids=set(form.offices.data or ()),
                expires_at=expires,
                actor=current_user,
                nonce=form.nonce.data,
            )
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message))
            return _page(form, status=400)
        db.session.commit()
        fresh = TokenForm(formdata=None)
        fresh.offices.choices = form.offices.choices
        fresh.nonce.data = secrets.token_urlsafe(24)
        return _page(fresh, created=raw)
    return _page(form, status=400 if form.errors else 200)


@bp.post("/<id:token_id>/revocar")
def revoke(token_id: int):
    """Revoke a token."""
    token = db.get_or_404(ApiToken, token_id)
    if ConfirmForm().validate_on_submit():
        services.revoke_token(token, current_user)
        db.session.commit()
        flash(_("The token %(prefix)s… no longer works.", prefix=token.prefix), "success")
    return redirect(url_for("api_tokens.tokens"))
