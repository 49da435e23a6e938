"""Home panels (learners' runs, trainers' review queue) and the menu entries."""

from app.home import HomePanel, NavLink, register_home_panel, register_nav_link
from app.i18n import _l
from app.security import Role
from case_simulations import queries


def _my_runs(user) -> dict | None:
    runs = queries.my_open_and_pending(user)
    return {"runs": runs} if runs else None


def _review(user) -> dict | None:
    return {"waiting": queries.waiting_count()}


def register() -> None:
    """Add the panels and the "Simulations" and "Review" menu entries."""
    register_home_panel(
        HomePanel("simulations", "case_simulations/_panel_runs.html", _my_runs, order=25)
    )
    register_home_panel(
        HomePanel(
            "simulation-review",
            "case_simulations/_panel_review.html",
            _review,
            roles=frozenset({Role.TRAINER, Role.ADMIN}),
            order=45,
        )
    )
    register_nav_link(
        NavLink(
            "case_simulations.catalogue",
            _l("Simulations"),
            order=25,
            also=(
                "case_simulations.briefing",
                "case_simulations.play",
                "case_simulations.notebook",
                "case_simulations.record_section",
                "case_simulations.record_summary",
                "case_simulations.report",
            ),
        )
    )
    register_nav_link(
        NavLink(
            "case_simulations.review_queue",
            _l("Reviews"),
            roles=frozenset({Role.TRAINER, Role.ADMIN}),
            order=45,
            also=("case_simulations.review",),
        )
    )
