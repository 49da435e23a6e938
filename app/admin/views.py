"""Blueprint "admin": users, roles, offices, positions and the audit log (administrators only)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import queries, services
from app.admin.forms import OfficeForm, PositionForm, UserCreateForm, UserEditForm
from app.audit import record_event
from app.auth import services as auth_services
from app.auth.models import Office, Position, User
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import _, _l, get_locale
from app.security import Role, role_required
from app.urls import int_arg, page_arg, reset_password_url

STATUSES = ("active", "inactive")
_MAIL_FAILED = _l(
    "The e-mail could not be sent. Check the mail settings, then use "
    '"E-mail a password link" on the user\'s page.'
)

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@role_required(Role.ADMIN)
def require_admin():
    """Every page here is for administrators."""


def _set_choices(form, user: User | None = None) -> None:
    none = [(0, "—")]
    offices = [(o.id, o.name) for o in queries.open_offices()]
    if user is not None and user.office is not None and not user.office.is_open:
        # Keep a closed office selectable for its staff, so saving does not drop it.
        offices.append((user.office.id, _("%(name)s (closed)", name=user.office.name)))
    form.office_id.choices = none + offices
    locale = str(get_locale())
    form.position_id.choices = none + [(p.id, p.name_for(locale)) for p in queries.all_positions()]
    if hasattr(form, "hr_offices"):
        form.hr_offices.choices = [(o.id, o.name) for o in queries.open_offices()]


def _user_fields(form) -> dict:
    return {
        "display_name": form.display_name.data.strip(),
        "language": form.language.data,
        "office": db.session.get(Office, form.office_id.data) if form.office_id.data else None,
        "position": (
            db.session.get(Position, form.position_id.data) if form.position_id.data else None
        ),
        "hire_date": form.hire_date.data,
    }


@bp.get("/usuarios")
def users():
    """List users with search and filters."""
    filters = {
        "q": (request.args.get("q") or "")[:120],
        "office": int_arg("office"),
        "role": request.args.get("role") if request.args.get("role") in set(Role) else None,
        "status": request.args.get("status") if request.args.get("status") in STATUSES else None,
    }
    query = queries.users_query(filters["q"], filters["office"], filters["role"], filters["status"])
    page = db.paginate(query, page=page_arg(), per_page=25, error_out=False)
    return render_template(
        "admin/users.html",
        page=page,
        offices=queries.open_offices(),
        roles=list(Role),
        filters={k: v for k, v in filters.items() if v},
    )


@bp.route("/usuarios/nuevo", methods=["GET", "POST"])
def create_user():
    """Create a user; without a password, e-mail them a link to choose one."""
    form = UserCreateForm()
    _set_choices(form)
    form.user_inputs = [form.email.data or "", form.display_name.data or ""]
    if form.validate_on_submit():
        try:
            user = auth_services.create_user(
                email=form.email.data,
                password=form.password.data or None,
                roles={Role(r) for r in form.roles.data},
                **_user_fields(form),
            )
        except DomainError as exc:
            form.email.errors.append(str(exc.message))
        else:
            sent = form.password.data or auth_services.send_password_link(
                user, reset_password_url, template="account_created"
            )
            db.session.commit()
            flash(_("The account for %(email)s has been created.", email=user.email), "success")
            if not sent:
                flash(_MAIL_FAILED, "warning")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/usuarios/<id:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Edit a user's profile, roles, office, position and active flag."""
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    _set_choices(form, user)
    if request.method == "GET":
        form.office_id.data = user.office_id or 0
        form.position_id.data = user.position_id or 0
        form.roles.data = sorted(r.value for r in user.roles)
        form.hr_offices.data = sorted(queries.hr_offices(user))
    if form.validate_on_submit():
        try:
            auth_services.update_user(
                user,
                current_user,
                email=form.email.data,
                is_active=form.is_active.data,
                roles={Role(r) for r in form.roles.data},
                **_user_fields(form),
            )
            services.set_hr_offices(user, set(form.hr_offices.data or ()))
        except DomainError as exc:
            form.form_errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user, confirm=ConfirmForm())


@bp.post("/usuarios/<id:user_id>/desbloquear")
def unlock_user(user_id: int):
    """Lift a temporary lock."""
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        auth_services.unlock_user(user)
        db.session.commit()
        flash(_("The account has been unlocked."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/usuarios/<id:user_id>/enlace-contrasena")
def send_password_link(user_id: int):
    """E-mail the user a link to choose a new password."""
    user = db.get_or_404(User, user_id)
    if not user.is_active:
        flash(_("Reactivate the account before sending a password link."), "warning")
    elif ConfirmForm().validate_on_submit():
        sent = auth_services.send_password_link(user, reset_password_url, template="reset_password")
        if sent:
            record_event("user.password_link_sent", target=user)
        db.session.commit()
        if sent:
            flash(_("A password link has been sent to %(email)s.", email=user.email), "success")
        else:
            flash(_MAIL_FAILED, "warning")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/oficinas", methods=["GET", "POST"])
def offices():
    """List offices with their staff, and add one."""
    form = OfficeForm()
    if form.validate_on_submit():
        try:
            office = services.create_office(**_office_fields(form), code=form.code.data)
        except DomainError as exc:
            form.code.errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("The office %(name)s has been added.", name=office.name), "success")
            return redirect(url_for("admin.offices"))
    return render_template(
        "admin/offices.html", form=form, rows=queries.offices_with_staff(), confirm=ConfirmForm()
    )


def _office_fields(form) -> dict:
    return {
        "name": form.name.data.strip(),
        "kind": form.kind.data,
        "city": form.city.data.strip(),
        "country": form.country.data,
        "timezone": form.timezone.data,
    }


@bp.route("/oficinas/<id:office_id>", methods=["GET", "POST"])
def edit_office(office_id: int):
    """Rename or re-describe an office."""
    office = db.get_or_404(Office, office_id)
    form = OfficeForm(obj=office)
    form.code.data = office.code
    form.manager_id.choices = [(0, "—")] + [
        (u.id, f"{u.display_name} ({u.email})") for u in queries.manager_candidates(office)
    ]
    form.manager_id.data = form.manager_id.data or 0  # no manager yet, or field not sent
    if form.validate_on_submit():
        services.update_record(office, **_office_fields(form))
        services.set_manager(office, db.session.get(User, form.manager_id.data or 0))
        db.session.commit()
        flash(_("The changes have been saved."), "success")
        return redirect(url_for("admin.offices"))
    return render_template("admin/office_form.html", form=form, office=office)


@bp.post("/oficinas/<id:office_id>/<any(cerrar, reabrir):action>")
def set_office_open(office_id: int, action: str):
    """Close or reopen an office."""
    office = db.get_or_404(Office, office_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if action == "cerrar":
        services.close_office(office)
        message = _("The office %(name)s is now closed.", name=office.name)
    else:
        services.reopen_office(office)
        message = _("The office %(name)s is open again.", name=office.name)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("admin.offices"))


@bp.route("/puestos", methods=["GET", "POST"])
def positions():
    """List positions and add one."""
    form = PositionForm()
    if form.validate_on_submit():
        try:
            services.create_position(
                code=form.code.data,
                name_es=form.name_es.data.strip(),
                name_en=form.name_en.data.strip(),
            )
        except DomainError as exc:
            form.code.errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("The position has been added."), "success")
            return redirect(url_for("admin.positions"))
    return render_template("admin/positions.html", form=form, positions=queries.all_positions())


@bp.route("/puestos/<id:position_id>", methods=["GET", "POST"])
def edit_position(position_id: int):
    """Rename a position."""
    position = db.get_or_404(Position, position_id)
    form = PositionForm(obj=position)
    form.code.data = position.code
    if form.validate_on_submit():
        services.update_record(
            position, name_es=form.name_es.data.strip(), name_en=form.name_en.data.strip()
        )
        db.session.commit()
        flash(_("The changes have been saved."), "success")
        return redirect(url_for("admin.positions"))
    return render_template("admin/position_form.html", form=form, position=position)


@bp.get("/auditoria")
def audit():
    """The audit log, newest first."""
    filters = {
        "action": (request.args.get("action") or "")[:60],
        "actor": (request.args.get("actor") or "")[:254],
    }
    query = queries.audit_query(filters["action"], filters["actor"])
    page = db.paginate(query, page=page_arg(), per_page=50, error_out=False)
    return render_template(
        "admin/audit.html", page=page, filters={k: v for k, v in filters.items() if v}
    )
