"""The core's home-page panels: profile for everyone, overviews for admin, HR and trainers."""

from app.admin import queries
from app.home import HomePanel, NavLink, register_home_panel, register_nav_link
from app.i18n import _l
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
    """Register the panels and menu entries the core provides."""
    admin = frozenset({Role.ADMIN})
    for link in (
        NavLink("main.home", _l("Home"), order=10),
        NavLink("admin.users", _l("Users"), admin, 80, ("admin.create_user", "admin.edit_user")),
        NavLink("admin.offices", _l("Offices"), admin, 81, ("admin.edit_office",)),
        NavLink("admin.positions", _l("Positions"), admin, 82, ("admin.edit_position",)),
        NavLink("admin.audit", _l("Audit log"), admin, 83),
        NavLink("api_tokens.tokens", _l("API tokens"), admin, 84),
        NavLink("staff.upload", _l("Import staff"), frozenset({Role.HR, Role.ADMIN}), 45),
        NavLink("auth.profile", _l("My account"), order=90, also=("auth.change_password",)),
    ):
        register_nav_link(link)
    register_home_panel(HomePanel("profile", "main/panels/_profile.html", _profile, order=90))
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
