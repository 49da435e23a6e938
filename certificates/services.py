"""Certificate rules: issue once per period on completion, renew, revoke, re-render, verify.

Issuance happens in the transaction of the completion that triggers it (no background job to
lag behind), and the database decides when two requests race. Every change is recorded in the
certificate's history and in the audit log. State changes flush; the caller commits once.
"""

import calendar
import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit import record_event
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l
from certificates import codes
from certificates.credentials import Facts, Urls, make_token, sign_credential
from certificates.models import Certificate, CertificateEvent, CertificateVerification
from certificates.rendering import build_context, render_html, render_pdf
from certificates.signing import IssuerKey, load_or_create_key
from courses.models import Course, CourseVersion, Enrollment

_keys: dict[str, IssuerKey] = {}


class NotRenewable(DomainError):
    """The certificate cannot be renewed (revoked, superseded, or nothing completed)."""

    message = _l("This certificate cannot be renewed: it is revoked or already superseded.")


class AlreadyRevoked(DomainError):
    """The certificate is already revoked."""

    message = _l("This certificate is already revoked.")


class ReasonRequired(DomainError):
    """Revoking needs a reason."""

    message = _l("Give the reason for revoking the certificate.")


# -- settings and keys -------------------------------------------------------------------------


def public_base() -> str:
    """The installation's public address (QR codes and credentials point there)."""
    config = current_app.config
    base = config.get("PUBLIC_BASE_URL") or config.get("BASE_URL")
    if not base and has_request_context():
        base = request.host_url
    return (base or "http://127.0.0.1:5000").rstrip("/")


def issuer_key() -> IssuerKey:
    """The signing key, created on first use under the instance folder (path configurable)."""
    path = Path(
        current_app.config.get("CERTIFICATES_KEY_PATH")
        or Path(current_app.instance_path) / "keys" / "certificate-issuer-ed25519.pem"
    )
    key = _keys.get(str(path))
    if key is None or not path.exists():
        key = _keys[str(path)] = load_or_create_key(path)
    return key


def storage_dir() -> Path:
    """Where issued PDFs are kept."""
    folder = Path(
        current_app.config.get("CERTIFICATES_DIR")
        or Path(current_app.instance_path) / "certificates"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def expiring_days() -> int:
    """How many days before expiry a certificate counts as "expiring"."""
    return int(current_app.config.get("CERTIFICATE_EXPIRING_DAYS", 60))


def status_of(cert: Certificate, now: datetime | None = None) -> str:
    """The certificate's lifecycle state now (or at ``now``)."""
    return cert.status(now or utcnow(), expiring_days())


def public_url(endpoint: str, **values) -> str:
    """An absolute public URL, built from the public base (works outside requests too)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return public_base() + path


def urls_for(cert: Certificate) -> Urls:
    """Public addresses of a certificate (its verification page, the issuer, the course)."""
    return Urls(
        verification=public_url("certificates.verify_code", code=cert.code),
        issuer=public_url("certificates.issuer"),
        course=public_url("courses.detail", slug=cert.course.slug),
    )


def qr_text(cert: Certificate) -> str:
    """What the QR code carries: the verification URL, or (second mode) the signed token URL."""
    if current_app.config.get("CERTIFICATE_QR_MODE") == "token" and cert.token:
        return public_url("certificates.verify_token", token=cert.token)
    return urls_for(cert).verification


def facts_of(cert: Certificate, locale: str = "es") -> Facts:
    """The facts the certificate states, with the course title in ``locale``."""
    return Facts(
        serial=cert.serial,
        code=cert.code,
        holder_name=cert.holder_name,
        course_slug=cert.course.slug,
        course_code=cert.course_code,
        course_title=cert.title(locale),
        version_label=cert.version_label,
        hours=cert.hours,
        issued_at=cert.issued_at,
        expires_at=cert.expires_at,
    )


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (clamped to the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# -- issuing ---------------------------------------------------------------------------------


def _event(cert: Certificate, kind: str, actor=None, **details: Any) -> None:
    db.session.add(
        CertificateEvent(
            certificate_id=cert.id,
            kind=kind,
            actor_id=getattr(actor, "id", None),
            details={k: v for k, v in details.items() if v is not None},
        )
    )
    record_event(f"certificate.{kind}", actor=actor, target=cert, serial=cert.serial, **details)


def latest_of(user_id: int, course_id: int) -> Certificate | None:
    """The person's certificate of the highest period for a course."""
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.user_id == user_id, Certificate.course_id == course_id)
        .order_by(Certificate.period.desc())
        .limit(1)
    )


def on_course_completed(sender, user, item_id, version=None, enrollment=None, **extra) -> None:
    """Receiver for ``course_completed``: issue the certificate in the same transaction."""
    if enrollment is not None:
        issue_for_completion(enrollment, user)


def issue_for_completion(enrollment: Enrollment, user) -> Certificate:
    """Issue the certificate a completion earns, exactly once per period.

    A retry of the same completion, or a second one while the certificate is still in force,
    returns the existing certificate. A completion after expiry, or after HR required renewal,
    opens a new period whose certificate supersedes the old one. Two requests racing are
    settled by the database (one certificate per person, course and period).
    """
    latest = latest_of(user.id, enrollment.course_id)
    if latest is not None:
        if latest.enrollment_id == enrollment.id:
            return latest  # the same completion, seen again
        state = status_of(latest)
        if state in ("valid", "expiring") and latest.renewal_required_at is None:
            return latest  # still certified in this period: never re-dated
    issued_at = enrollment.completed_at or utcnow()
    return _issue(
        user,
        enrollment,
        period=(latest.period + 1) if latest else 1,
        issued_at=issued_at,
        supersedes=latest if latest is not None and latest.superseded_by_id is None else None,
    )


def _issue(user, enrollment, *, period, issued_at, supersedes=None, actor=None) -> Certificate:
    version = db.session.get(CourseVersion, enrollment.course_version_id)
    course = db.session.get(Course, enrollment.course_id)
    cert = Certificate(
        code=codes.new_code(),
        user_id=user.id,
        course_id=course.id,
        course_version_id=version.id,
        enrollment_id=enrollment.id,
        period=period,
        holder_name=user.display_name,
        course_code=course.code,
        course_title_es=version.title_es,
        course_title_en=version.title_en,
        version_label=version.label,
        hours=round(version.estimated_minutes / 60, 1),
        issued_at=issued_at,
        expires_at=add_months(issued_at, version.certificate_validity_months),
    )
    try:
        with db.session.begin_nested():
            db.session.add(cert)
            db.session.flush()
    except IntegrityError:
        # Another request issued this period's certificate first: that one stands.
        return db.session.scalar(
            select(Certificate).where(
                Certificate.user_id == user.id,
                Certificate.course_id == course.id,
                Certificate.period == period,
            )
        )
    cert.serial = codes.serial_for(issued_at.year, cert.id)
    db.session.flush()
    _sign_and_render(cert, user)
    _event(cert, "issued", actor=actor, period=period, version=version.label)
    if supersedes is not None:
        supersedes.superseded_by_id = cert.id
        cert.supersedes_id = supersedes.id
        _event(supersedes, "superseded", actor=actor, by=cert.serial)
    db.session.flush()
    return cert


def _sign_and_render(cert: Certificate, user) -> None:
    key = issuer_key()
    now = utcnow()
    urls = urls_for(cert)
    cert.credential = sign_credential(facts_of(cert, "es"), urls, key, now)
    cert.token = make_token(facts_of(cert, "es"), key)
    _render(cert, user)


def _render(cert: Certificate, user) -> None:
    locale = user.language if user.language in ("es", "en") else "es"
    timezone = (
        user.office.timezone
        if user.office is not None
        else current_app.config["BABEL_DEFAULT_TIMEZONE"]
    )
    context = build_context(
        facts_of(cert, locale), locale, timezone, urls_for(cert).verification, qr_text(cert)
    )
    pdf = render_pdf(render_html(context), cert.credential)
    digest = hashlib.sha256(pdf).hexdigest()
    path = storage_dir() / f"{cert.serial}-{digest[:12]}.pdf"
    # Write then rename: a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(pdf)
    os.replace(temporary, path)
    cert.pdf_path, cert.pdf_sha256, cert.pdf_rendered_at = path.name, digest, utcnow()


def pdf_file(cert: Certificate) -> Path | None:
    """The stored PDF, when it exists."""
    if not cert.pdf_path:
        return None
    path = storage_dir() / cert.pdf_path
    return path if path.is_file() else None


# -- lifecycle -------------------------------------------------------------------------------


def revoke(cert: Certificate, actor, reason: str) -> None:
    """Revoke with a reason; the certificate stays on record, shown as revoked everywhere.

    :raises AlreadyRevoked, ReasonRequired:
    """
    if cert.revoked_at is not None:
        raise AlreadyRevoked()
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    cert.revoked_at, cert.revoked_by_id, cert.revoke_reason = utcnow(), actor.id, reason
    _event(cert, "revoked", actor=actor, reason=reason)
    db.session.flush()


def renew(cert: Certificate, actor) -> Certificate:
    """Open a new period now: a new certificate (new serial and code) supersedes this one.

    It states the version of the person's latest completed enrolment in the course.
    :raises NotRenewable:
    """
    if cert.revoked_at is not None or cert.superseded_by_id is not None:
        raise NotRenewable()
    enrollment = db.session.scalar(
        select(Enrollment)
        .where(
            Enrollment.user_id == cert.user_id,
            Enrollment.course_id == cert.course_id,
            Enrollment.completed_at.is_not(None),
        )
        .order_by(Enrollment.completed_at.desc())
        .limit(1)
    )
    if enrollment is None:
        raise NotRenewable()
    return _issue(
        cert.user,
        enrollment,
        period=cert.period + 1,
        issued_at=utcnow(),
        supersedes=cert,
        actor=actor,
    )


def require_renewal(cert: Certificate, actor) -> None:
    """Ask for renewal: the person's next completion of the course opens a new period."""
    if cert.renewal_required_at is None and cert.revoked_at is None:
        cert.renewal_required_at = utcnow()
        _event(cert, "renewal_required", actor=actor)
        db.session.flush()


def rerender(cert: Certificate, actor) -> None:
    """Render the PDF again (same facts, same code); the old file is kept."""
    previous = cert.pdf_sha256
    _render(cert, cert.user)
    _event(cert, "rerendered", actor=actor, previous_sha256=previous, sha256=cert.pdf_sha256)
    db.session.flush()


# -- verification ------------------------------------------------------------------------------


def find_by_code(text: str | None) -> Certificate | None:
    """The certificate a typed or scanned code names (None when malformed or unknown)."""
    code = codes.normalise_code(text)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def log_verification(cert: Certificate | None, channel: str) -> None:
    """Record a public verification attempt (found or not)."""
    row = CertificateVerification(
        certificate_id=cert.id if cert else None,
        found=cert is not None,
        channel=channel,
        status=status_of(cert) if cert else None,
    )
    if has_request_context():
        row.ip_address = (request.remote_addr or "")[:45] or None
        row.user_agent = (request.user_agent.string or "")[:255] or None
    db.session.add(row)
