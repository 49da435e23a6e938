"""Blueprint "certificates": my certificates, the HR register, public verification, issuer key."""

import re
import tempfile
import zipfile

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from app.audit import record_event
from app.auth.models import Office
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db, limiter
from app.forms import ConfirmForm
from app.i18n import _, _l, language
from app.security import Role, role_required
from certificates import codes, queries, services, signing
from certificates.credentials import Urls, issuer_profile
from certificates.forms import RegisterFilterForm, RevokeForm, VerifyForm
from courses.models import Course

bp = Blueprint("certificates", __name__, url_prefix="/certificados")
SERIAL = "<string(maxlength=20):serial>"
STATUS_LABELS = {
    "valid": _l("Valid"),
    "expiring": _l("Expiring soon"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    "superseded": _l("Superseded by a renewal"),
}
EVENT_LABELS = {
    "issued": _l("Issued"),
    "revoked": _l("Revoked"),
    "superseded": _l("Superseded"),
    "renewal_required": _l("Renewal required"),
    "rerendered": _l("PDF rendered again"),
}
MANAGERS = (Role.HR, Role.ADMIN)


def _verify_limit() -> str:
    return current_app.config.get("CERTIFICATE_VERIFY_RATE_LIMIT", "20 per minute;200 per hour")


def _may_see(cert) -> bool:
    return cert.user_id == current_user.id or current_user.has_any_role(*MANAGERS)


def _visible_or_404(serial: str):
    cert = queries.by_serial(serial)
    if cert is None or not _may_see(cert):
        abort(404)
    return cert


@bp.get("/")
@login_required
def mine():
    """The person's certificates, with their state, PDF and credential."""
    certificates = queries.mine(current_user)
    return render_template(
        "certificates/mine.html",
        rows=[(c, services.status_of(c)) for c in certificates],
        labels=STATUS_LABELS,
        format_code=codes.format_code,
    )


@bp.get(f"/{SERIAL}.pdf")
@login_required
def pdf(serial: str):
    """Download the certificate's PDF (its holder, HR or administrators)."""
    cert = _visible_or_404(serial)
    path = services.pdf_file(cert)
    if path is None:
        abort(404)
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=f"{cert.serial}.pdf"
    )


@bp.get(f"/{SERIAL}/credencial.json")
@login_required
def credential(serial: str):
    """Download the signed Open Badges 3.0 credential."""
    cert = _visible_or_404(serial)
    response = jsonify(cert.credential)
    response.headers["Content-Disposition"] = f'attachment; filename="{cert.serial}.json"'
    return response


# -- HR and administrators -------------------------------------------------------------------


def _filter_form() -> RegisterFilterForm:
    form = RegisterFilterForm(request.args)
    offices = db.session.scalars(select(Office).order_by(Office.name)).all()
    courses = db.session.scalars(select(Course).order_by(Course.code)).all()
    form.office.choices = [("", _("All offices"))] + [(str(o.id), o.name) for o in offices]
    form.course.choices = [("", _("All courses"))] + [(str(c.id), c.code) for c in courses]
    form.status.choices = [("", _("Any status"))] + [(k, str(v)) for k, v in STATUS_LABELS.items()]
    return form


def _selected(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@bp.get("/gestion")
@role_required(*MANAGERS)
def register():
    """The certificate register: who holds what, in which state; filters and a ZIP."""
    form = _filter_form()
    form.validate()
    office_id, course_id = _selected(form.office.data), _selected(form.course.data)
    now = utcnow()
    rows = [(c, services.status_of(c, now)) for c in queries.register(office_id, course_id)]
    if form.status.data in STATUS_LABELS:
        rows = [row for row in rows if row[1] == form.status.data]
    counts = {key: sum(1 for _c, s in rows if s == key) for key in STATUS_LABELS}
    return render_template(
        "certificates/register.html",
        form=form,
        rows=rows,
        counts=counts,
        labels=STATUS_LABELS,
        zip_args={"office": form.office.data or "", "course": form.course.data or ""},
    )


def _detail_page(cert, revoke_form: RevokeForm) -> str:
    return render_template(
        "certificates/detail.html",
        cert=cert,
        status=services.status_of(cert),
        labels=STATUS_LABELS,
        event_labels=EVENT_LABELS,
        revoke_form=revoke_form,
        form=ConfirmForm(),
        format_code=codes.format_code,
        verification_url=services.urls_for(cert).verification,
    )


@bp.get(f"/gestion/{SERIAL}")
@role_required(*MANAGERS)
def detail(serial: str):
    """One certificate: its facts, state, links and full history, with the HR actions."""
    cert = queries.by_serial(serial)
    if cert is None:
        abort(404)
    return _detail_page(cert, RevokeForm())


def _managed(serial: str):
    cert = queries.by_serial(serial)
    if cert is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return cert


@bp.post(f"/gestion/{SERIAL}/revocar")
@role_required(*MANAGERS)
def revoke(serial: str):
    """Revoke a certificate with a reason."""
    cert = queries.by_serial(serial)
    if cert is None:
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _detail_page(cert, form), 400
    try:
        services.revoke(cert, current_user._get_current_object(), form.reason.data)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "warning")
    else:
        db.session.commit()
        flash(
            _("The certificate was revoked. It shows as revoked wherever it is checked."), "success"
        )
    return redirect(url_for("certificates.detail", serial=serial))


@bp.post(f"/gestion/{SERIAL}/renovar")
@role_required(*MANAGERS)
def renew(serial: str):
    """Renew now: a new certificate for a new period supersedes this one."""
    cert = _managed(serial)
    try:
        renewed = services.renew(cert, current_user._get_current_object())
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "warning")
        return redirect(url_for("certificates.detail", serial=serial))
    db.session.commit()
    flash(
        _("Renewed: certificate %(serial)s supersedes the previous one.", serial=renewed.serial),
        "success",
    )
    return redirect(url_for("certificates.detail", serial=renewed.serial))


@bp.post(f"/gestion/{SERIAL}/exigir-renovacion")
@role_required(*MANAGERS)
def require_renewal(serial: str):
    """Require renewal: the person's next completion of the course opens a new period."""
    cert = _managed(serial)
    services.require_renewal(cert, current_user._get_current_object())
    db.session.commit()
    flash(
        _("Renewal required: the next completion of the course will issue a new certificate."),
        "success",
    )
    return redirect(url_for("certificates.detail", serial=serial))


@bp.post(f"/gestion/{SERIAL}/reemitir-pdf")
@role_required(*MANAGERS)
def rerender(serial: str):
    """Render the PDF again with the same facts and code."""
    cert = _managed(serial)
    services.rerender(cert, current_user._get_current_object())
    db.session.commit()
    flash(_("The PDF was rendered again (same facts, same code)."), "success")
    return redirect(url_for("certificates.detail", serial=serial))


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", codes.normalise_name(text)).strip("-")[:60]


@bp.get("/gestion/certificados.zip")
@role_required(*MANAGERS)
def bundle():
    """A ZIP of the stored PDFs (by office and course), written to disk as it is built."""
    office_id = _selected(request.args.get("office"))
    course_id = _selected(request.args.get("course"))
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed (and deleted) by the response
    count = 0
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        for cert in queries.for_bundle(office_id, course_id):
            path = services.pdf_file(cert)
            if path is not None:
                archive.write(path, f"{cert.serial}-{_ascii(cert.holder_name)}.pdf")
                count += 1
    record_event("certificate.bundle_downloaded", office=office_id, course=course_id, count=count)
    db.session.commit()
    spool.seek(0)
    return send_file(
        spool, mimetype="application/zip", as_attachment=True, download_name="certificados.zip"
    )


# -- public verification -----------------------------------------------------------------------


def _public_view(cert) -> dict:
    status = services.status_of(cert)
    locale = language()
    return {
        "found": True,
        "status": status,
        "status_label": str(STATUS_LABELS[status]),
        "serial": cert.serial,
        "holder": codes.mask_name(cert.holder_name),
        "course": {
            "code": cert.course_code,
            "title": cert.title(locale),
            "version": cert.version_label,
            "hours": cert.hours,
        },
        "issued_on": cert.issued_at.date().isoformat(),
        "valid_until": cert.expires_at.date().isoformat(),
        "revoked_on": cert.revoked_at.date().isoformat() if cert.revoked_at else None,
        "superseded_by": cert.superseded_by.serial if cert.superseded_by else None,
        "checked_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _not_found(as_json: bool):
    if as_json:
        return jsonify({"found": False, "status": "not_found"}), 404
    return render_template("certificates/verify.html", view=None, form=VerifyForm()), 404


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


@bp.get("/verificar")
@limiter.limit(_verify_limit)
def verify():
    """The public verification box; a code in ``?codigo=`` goes to its page."""
    form = VerifyForm(request.args)
    if form.codigo.data:
        code = codes.normalise_code(form.codigo.data)
        if code is not None:
            return redirect(url_for("certificates.verify_code", code=code))
        services.log_verification(None, "code")
        db.session.commit()
        return _not_found(False)
    return render_template("certificates/verify.html", view=None, form=form, empty=True)


@bp.get("/verificar/<string(maxlength=40):code>")
@limiter.limit(_verify_limit)
def verify_code(code: str):
    """A certificate's public page (HTML, or JSON when asked for)."""
    as_json = code.endswith(".json") or _wants_json()
    cert = services.find_by_code(code.removesuffix(".json"))
    services.log_verification(cert, "json" if as_json else "code")
    db.session.commit()
    if cert is None:
        return _not_found(as_json)
    view = _public_view(cert)
    if as_json:
        return jsonify(view)
    return render_template(
        "certificates/verify.html",
        view=view,
        form=VerifyForm(),
        format_code=codes.format_code,
        code=cert.code,
    )


@bp.get("/t/<string(maxlength=600):token>")
@limiter.limit(_verify_limit)
def verify_token(token: str):
    """The QR's second mode: check the signed token, then show the live state."""
    try:
        claims = signing.verify_token(token, services.issuer_key().public)
    except signing.VerificationFailed:
        claims = None
    cert = services.find_by_code(claims.get("vc")) if claims else None
    if cert is not None and cert.serial != claims.get("sn"):
        cert = None
    services.log_verification(cert, "token")
    db.session.commit()
    if cert is None:
        return _not_found(_wants_json())
    return redirect(url_for("certificates.verify_code", code=cert.code))


@bp.get("/emisor.json")
def issuer():
    """The issuer profile with the public key verifiers pin (stable URL)."""
    urls = Urls(verification="", issuer=services.public_url("certificates.issuer"), course="")
    return jsonify(issuer_profile(urls, services.issuer_key()))
