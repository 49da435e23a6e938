"""Blueprint "staff": upload CSV files, see row by row what they would do, then apply them."""

import secrets
import shutil
import time
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from app.auth import services as auth_services
from app.extensions import db
from app.i18n import _
from app.security import Role, role_required
from app.staff import importer
from app.staff.forms import ApplyForm, UploadForm
from app.urls import reset_password_url

bp = Blueprint("staff", __name__, url_prefix="/personal")
STAGED_FOR_SECONDS = 24 * 3600


@bp.before_request
@role_required(Role.HR, Role.ADMIN)
def require_hr():
    """Human resources and administrators import staff."""


def _staging() -> Path:
    folder = Path(
        current_app.config.get("STAFF_IMPORT_DIR") or Path(current_app.instance_path) / "imports"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old() -> None:
    limit = time.time() - STAGED_FOR_SECONDS
    for folder in _staging().iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def _sources(folder: Path) -> list[importer.Source]:
    return [
        importer.Source(path.name.split("_", 1)[1], path.read_bytes())
        for path in sorted(folder.iterdir())
    ]


@bp.route("/importar", methods=["GET", "POST"])
def upload():
    """Upload CSV files; nothing changes until the checked plan is applied."""
    form = UploadForm()
    if form.validate_on_submit():
        _forget_old()
        token = secrets.token_urlsafe(24)
        folder = _staging() / token
        folder.mkdir()
        for number, storage in enumerate(form.files.data):
            name = secure_filename(storage.filename or "") or f"archivo-{number + 1}.csv"
            storage.save(folder / f"{number:02d}_{name}")
        plan = importer.plan(
            _sources(folder), current_user, deactivate_missing=form.deactivate_missing.data
        )
        apply_form = ApplyForm(
            token=token,
            deactivate_missing="1" if form.deactivate_missing.data else "",
            invite="1" if form.invite.data else "",
        )
        if not plan.ok:
            shutil.rmtree(folder, ignore_errors=True)
        return render_template(
            "staff/preview.html", plan=plan, apply_form=apply_form, status=200 if plan.ok else 400
        ), (200 if plan.ok else 400)
    return render_template("staff/upload.html", form=form), (400 if form.errors else 200)


@bp.post("/importar/aplicar")
def apply():
    """Apply a checked import in one transaction (checked again: the database may have moved)."""
    form = ApplyForm()
    folder = _staging() / (form.token.data or "-")
    if not form.validate_on_submit() or not folder.is_dir():
        flash(_("This import was already applied or has expired; upload the files again."), "info")
        return redirect(url_for("staff.upload"))
    # Claim the staged files first, so a second click finds nothing to apply.
    claimed = folder.with_name(folder.name + ".applying")
    try:
        folder.rename(claimed)
    except OSError:
        flash(_("This import was already applied or has expired; upload the files again."), "info")
        return redirect(url_for("staff.upload"))
    try:
        sources = _sources(claimed)
        plan = importer.plan(
            sources, current_user, deactivate_missing=bool(form.deactivate_missing.data)
        )
        if not plan.ok:
            return render_template("staff/preview.html", plan=plan, apply_form=None), 400
        result = importer.apply(plan, current_user, files=[s.name for s in sources])
        db.session.commit()
    except Exception:
        db.session.rollback()
        claimed.rename(folder)  # the files stay for another try
        raise
    shutil.rmtree(claimed, ignore_errors=True)
    failed = 0
    if form.invite.data:
        for user in result.new_people:
            if not auth_services.send_password_link(
                user,
                reset_password_url,
                template="account_created",
            ):
                failed += 1
        db.session.commit()
    flash(result.summary(), "success")
    if failed:
        flash(_("%(count)d invitation e-mails could not be sent.", count=failed), "warning")
    return redirect(url_for("staff.upload"))
