"""The courses package's home panel ("My learning") and menu entry."""

from app.home import HomePanel, NavLink, register_home_panel, register_nav_link
from app.i18n import _l
from app.security import Role
from courses import queries


def _learning(user) -> dict | None:
    rows = queries.learning_of(user)
    if not rows and not user.has_role(Role.LEARNER):
        return None
    open_rows = [r for r in rows if r.enrollment.completed_at is None]
    return {
        "assigned": [r for r in open_rows if r.enrollment.source == "assigned"],
        "in_progress": [r for r in open_rows if r.enrollment.source != "assigned"],
        "completed": [r for r in rows if r.enrollment.completed_at is not None],
    }


def register() -> None:
    """Add "My learning" to the home page and "Courses" to the menu."""
    register_home_panel(HomePanel("learning", "courses/_panel_learning.html", _learning, order=20))
    register_nav_link(
        NavLink(
            "courses.catalogue", _l("Courses"), order=20, also=("courses.detail", "courses.lesson")
        )
    )
