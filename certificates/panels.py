"""The home panel ("My certificates") and the menu entries."""

from app.home import HomePanel, NavLink, register_home_panel, register_nav_link
from app.i18n import _l
from app.security import Role
from certificates import queries, services


def _mine(user) -> dict | None:
    rows = [(c, services.status_of(c)) for c in queries.mine(user)]
    return {"rows": rows} if rows else None


def register() -> None:
    """Add "My certificates" to the home page; "Certificates" and the register to the menu."""
    register_home_panel(HomePanel("certificates", "certificates/_panel.html", _mine, order=30))
    register_nav_link(NavLink("certificates.mine", _l("Certificates"), order=30))
    register_nav_link(
        NavLink(
            "certificates.register",
            _l("Certificate register"),
            roles=frozenset({Role.HR, Role.ADMIN}),
            order=50,
            also=("certificates.detail",),
        )
    )
