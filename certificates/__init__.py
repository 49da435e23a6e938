"""Certificates: issuance, WeasyPrint PDFs, public verification, expiry and revocation."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the certificates blueprint."""
    from certificates.views import bp

    app.register_blueprint(bp)
