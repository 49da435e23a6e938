"""The core's home-page panels: profile for everyone, overviews for admin, HR and trainers."""

from app.admin import queries
from app.home import HomePanel, register_home_panel
from app.security import ROLE_LABELS, Role


def _profile(user) -> dict:
    return {"user": user}


def _admin(user) -> dict:
    counts = queries.role_counts()
    return {
        "role_rows": [(ROLE_LABELS[r], counts.get(r.value, 0)) for r in Role],
        "events": queries.recent_audit_events(),
    }


def _staff(user) -> dict:
    rows = queries.offices_with_staff()
    return {"rows": rows, "largest": max((n for _o, n in rows), default=0)}


def register_core_panels() -> None:
    """Register the panels the core provides."""
    register_home_panel(HomePanel("profile", "main/panels/_profile.html", _profile, order=10))
    register_home_panel(
        HomePanel("admin", "main/panels/_admin.html", _admin, frozenset({Role.ADMIN}), order=80)
    )
    register_home_panel(
        HomePanel(
            "staff",
            "main/panels/_staff.html",
            _staff,
            frozenset({Role.HR, Role.TRAINER, Role.ADMIN}),
            order=70,
        )
    )
