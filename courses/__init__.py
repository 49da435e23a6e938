"""Courses: catalogue, curriculum, enrolment, lessons, progress and completion."""

from flask import Flask

_receivers: list = []  # blinker holds receivers weakly; keep them alive here


def init_app(app: Flask) -> None:
    """Register the blueprint, home panel, menu entry, content source and signal receivers."""
    from app.audit import register_action_label
    from app.content_registry import register_content_source
    from app.home import NavLink, register_nav_link
    from app.i18n import _l
    from app.security import Role
    from app.signals import assessment_passed, simulation_passed
    from courses import panels
    from courses.authoring.views import bp as authoring_bp
    from courses.authoring.views import media_bp
    from courses.cli import courses_cli
    from courses.content_source import SOURCE
    from courses.services import on_item_passed
    from courses.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(media_bp)
    app.config.setdefault("COURSE_IMAGES_DIR", None)
    register_nav_link(
        NavLink(
            "authoring.index",
            _l("Authoring"),
            frozenset({Role.TRAINER, Role.ADMIN}),
            60,
            tuple(
                f"authoring.{name}"
                for name in (
                    "new_course",
                    "course",
                    "edit_course",
                    "edit_lesson",
                    "glossary",
                    "settings",
                    "preview_course",
                    "preview_lesson",
                    "publish",
                    "versions",
                    "compare",
                )
            ),
        )
    )
    for action, label in (
        ("course.created", _l("Course created on the web")),
        ("course.draft_started", _l("Course draft started")),
        ("course.rollback_started", _l("Course rollback started")),
        ("course.draft_saved", _l("Course draft saved")),
        ("course.review_requested", _l("Course review requested")),
        ("course.approved", _l("Course draft approved")),
        ("course.changes_requested", _l("Course changes requested")),
        ("course.published", _l("Course version published")),
        ("course.draft_discarded", _l("Course draft discarded")),
        ("course.owners_changed", _l("Course owners changed")),
        ("course.review_rule_changed", _l("Course review rule changed")),
        ("course.image_uploaded", _l("Lesson image uploaded")),
    ):
        register_action_label(action, label)
    app.cli.add_command(courses_cli)
    panels.register()
    register_content_source(SOURCE)
    if not _receivers:
        _receivers.extend([on_item_passed("assessment"), on_item_passed("simulation")])
        assessment_passed.connect(_receivers[0])
        simulation_passed.connect(_receivers[1])
