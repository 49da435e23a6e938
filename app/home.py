"""Home-page panels: packages register what each role sees on its home page."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.security import Role


@dataclass(frozen=True)
class HomePanel:
    """One panel: shown to ``roles`` (empty means everyone), rendered from ``template``.

    ``context(user)`` returns the template's variables, or None to hide the panel for that user.
    """

    key: str
    template: str
    context: Callable[[Any], dict | None]
    roles: frozenset[Role] = field(default_factory=frozenset)
    order: int = 100


_PANELS: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> None:
    """Add or replace a panel by key (replacing keeps app re-creation in tests harmless)."""
    _PANELS[panel.key] = panel


def panels_for(user) -> list[tuple[HomePanel, dict]]:
    """Return the panels ``user`` may see, in order, each with its rendered context."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.roles and not user.has_any_role(*panel.roles):
            continue
        ctx = panel.context(user)
        if ctx is not None:
            shown.append((panel, ctx))
    return shown


@dataclass(frozen=True)
class NavLink:
    """A main-menu entry a package adds; ``also`` lists endpoints that count as the same page."""

    endpoint: str
    label: Any
    roles: frozenset[Role] = field(default_factory=frozenset)
    order: int = 100
    also: tuple[str, ...] = ()


_NAV: dict[str, NavLink] = {}


def register_nav_link(link: NavLink) -> None:
    """Add or replace a menu entry by endpoint."""
    _NAV[link.endpoint] = link


def nav_links_for(user) -> list[NavLink]:
    """The menu entries ``user`` may see, in order."""
    return [
        link
        for link in sorted(_NAV.values(), key=lambda item: (item.order, item.endpoint))
        if not link.roles or user.has_any_role(*link.roles)
    ]
