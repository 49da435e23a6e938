"""Read-only JSON API under /api/v1 with admin-managed bearer tokens and an OpenAPI document."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API, the token admin pages and ``flask api``."""
    from app.api.admin_views import bp as admin_bp
    from app.api.cli import api_cli
    from app.api.views import bp

    app.config.setdefault("API_RATE_LIMIT", "120 per minute;5000 per hour")
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.cli.add_command(api_cli)
