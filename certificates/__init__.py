"""Certificates: issuance, WeasyPrint PDFs, public verification, expiry and revocation."""

from flask import Flask

_receivers: list = []  # blinker holds receivers weakly; keep them alive here

DEFAULTS = {
    # Public address in QR codes and credentials (behind a proxy it differs from the request's).
    "PUBLIC_BASE_URL": None,
    "CERTIFICATE_EXPIRING_DAYS": 60,
    "CERTIFICATE_QR_MODE": "url",  # "url" (verification page) or "token" (signed, offline)
    "CERTIFICATE_VERIFY_RATE_LIMIT": "20 per minute;200 per hour",
    "CERTIFICATES_DIR": None,  # default: instance/certificates
    "CERTIFICATES_KEY_PATH": None,  # default: instance/keys/certificate-issuer-ed25519.pem
}


def init_app(app: Flask) -> None:
    """Register the blueprint, CLI, home panel, menu entries and the completion receiver."""
    from app.audit import register_action_label
    from app.i18n import _l
    from app.signals import course_completed
    from certificates import panels
    from certificates.cli import certificates_cli
    from certificates.services import on_course_completed
    from certificates.views import bp

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    from certificates.api import bp as api_bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    app.cli.add_command(certificates_cli)
    panels.register()
    for action, label in (
        ("certificate.issued", _l("Certificate issued")),
        ("certificate.revoked", _l("Certificate revoked")),
        ("certificate.superseded", _l("Certificate superseded by a renewal")),
        ("certificate.renewal_required", _l("Certificate renewal required")),
        ("certificate.rerendered", _l("Certificate PDF rendered again")),
        ("certificate.bundle_downloaded", _l("Certificates downloaded as ZIP")),
    ):
        register_action_label(action, label)
    if not _receivers:
        _receivers.append(on_course_completed)
        course_completed.connect(on_course_completed)
    from certificates import compliance

    compliance.init_app(app)
