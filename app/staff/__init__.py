"""Staff import: people, offices and positions from CSV files (web upload and CLI)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the import pages and ``flask staff import``."""
    from app.staff.cli import staff_cli
    from app.staff.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(staff_cli)
