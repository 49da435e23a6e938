"""Courses: catalogue, curriculum, enrolment, lessons, progress and completion."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the courses blueprint."""
    from courses.views import bp

    app.register_blueprint(bp)
