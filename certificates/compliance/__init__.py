"""Certification tracking for HR: requirements, assignments, waivers, compliance on any day."""

from flask import Flask

_receivers: list = []  # blinker holds receivers weakly; keep them alive here


def init_app(app: Flask) -> None:
    """Register the HR blueprint, its menu entry and panel, and follow staff moves."""
    from app.audit import register_action_label
    from app.home import HomePanel, NavLink, register_home_panel, register_nav_link
    from app.i18n import _l
    from app.security import Role
    from app.signals import demo_seeded, staff_changed
    from certificates.compliance import cache, panels
    from certificates.compliance.api import bp as api_bp
    from certificates.compliance.cli import hr_cli
    from certificates.compliance.demo import on_demo_seeded
    from certificates.compliance.services import on_staff_changed
    from certificates.compliance.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    app.cli.add_command(hr_cli)
    app.config.setdefault("HR_REMINDER_DAYS_BEFORE", (30, 7))
    app.config.setdefault("HR_REMINDER_OVERDUE_EVERY_DAYS", 7)
    app.config.setdefault("HR_CACHE_SECONDS", 900)
    register_nav_link(
        NavLink(
            "compliance.dashboard",
            _l("Compliance"),
            roles=frozenset({Role.HR, Role.ADMIN}),
            order=40,
            also=(
                "compliance.office",
                "compliance.person",
                "compliance.requirements",
                "compliance.edit_requirement",
                "compliance.versions",
            ),
        )
    )
    register_home_panel(
        HomePanel(
            "compliance",
            "compliance/_panel.html",
            panels.summary,
            roles=frozenset({Role.HR, Role.ADMIN}),
            order=15,
        )
    )
    for action, label in (
        ("requirement.created", _l("Training requirement created")),
        ("requirement.updated", _l("Training requirement changed")),
        ("requirement.retired", _l("Training requirement retired")),
        ("assignment.created", _l("Course assigned")),
        ("assignment.ended", _l("Assignment ended")),
        ("waiver.granted", _l("Exemption granted")),
        ("waiver.revoked", _l("Exemption revoked")),
        ("version.required", _l("Updated course version required")),
    ):
        register_action_label(action, label)
    if not _receivers:
        _receivers.extend((on_staff_changed, on_demo_seeded))
        staff_changed.connect(on_staff_changed)
        demo_seeded.connect(on_demo_seeded)
    cache.listen()
