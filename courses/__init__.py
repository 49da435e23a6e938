"""Courses: catalogue, curriculum, enrolment, lessons, progress and completion."""

from flask import Flask

_receivers: list = []  # blinker holds receivers weakly; keep them alive here


def init_app(app: Flask) -> None:
    """Register the blueprint, home panel, menu entry, content source and signal receivers."""
    from app.content_registry import register_content_source
    from app.signals import assessment_passed, simulation_passed
    from courses import panels
    from courses.cli import courses_cli
    from courses.content_source import SOURCE
    from courses.services import on_item_passed
    from courses.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(courses_cli)
    panels.register()
    register_content_source(SOURCE)
    if not _receivers:
        _receivers.extend([on_item_passed("assessment"), on_item_passed("simulation")])
        assessment_passed.connect(_receivers[0])
        simulation_passed.connect(_receivers[1])
