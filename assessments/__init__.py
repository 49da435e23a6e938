"""Assessments: question banks, quizzes, attempts, scoring, GIFT and item analysis."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the assessments blueprint."""
    from assessments.views import bp

    app.register_blueprint(bp)
