"""Case-documentation simulations: branching interviews, case records and rubric scoring."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the case-simulations blueprint."""
    from case_simulations.views import bp

    app.register_blueprint(bp)
