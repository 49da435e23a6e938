"""Registry of content sources, so `flask content check|sync` covers every package's files."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.i18n import _


@dataclass(frozen=True)
class ContentSource:
    """A package's content files.

    ``check()`` returns error strings; ``sync(force=frozenset())`` loads the files into the
    database and returns a summary line (``force`` names items edited on the web whose files
    should nevertheless replace them); ``export(folder)`` writes the database back as files;
    ``slugs()`` lists what other content may reference (kind → slugs), read from the files.
    """

    name: str
    check: Callable[[], list[str]]
    sync: Callable[..., str]
    export: Callable[[Path], str] | None = None
    slugs: Callable[[], dict[str, frozenset[str]]] | None = None
    order: int = 100


@dataclass
class SyncSummary:
    """What syncing versioned content (courses, scenarios) changed, by slug."""

    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    diverged: list[str] = field(default_factory=list)  # edited on the web: files not loaded

    def __str__(self) -> str:
        line = _(
            "new: %(new)d, new versions: %(versions)d, unchanged: %(same)d, retired: %(retired)d",
            new=len(self.created),
            versions=len(self.new_versions),
            same=len(self.unchanged),
            retired=len(self.retired),
        )
        if self.diverged:
            line += "\n" + _(
                "left alone because they were edited on the web: %(slugs)s (their files were "
                "not loaded; `flask content sync --force SLUG` replaces the web version with the "
                "files, `flask content export` writes the web version to files)",
                slugs=", ".join(sorted(self.diverged)),
            )
        return line


_SOURCES: dict[str, ContentSource] = {}


def register_content_source(source: ContentSource) -> None:
    """Add or replace a content source by name."""
    _SOURCES[source.name] = source


def content_sources() -> list[ContentSource]:
    """Registered sources, in load order (banks before the courses that cite them)."""
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.name))


def known_slugs(kind: str) -> frozenset[str]:
    """Slugs of ``kind`` ("assessment", "simulation") that the content sources provide."""
    found: set[str] = set()
    for source in _SOURCES.values():
        if source.slugs is not None:
            found |= source.slugs().get(kind, frozenset())
    return frozenset(found)


_ITEM_LINKS: dict[str, Callable[[str], str]] = {}
_ITEM_TITLES: dict[str, Callable[[list[str]], dict[str, tuple[str, str | None]]]] = {}


def register_item_link(
    kind: str,
    link: Callable[[str], str],
    titles: Callable[[list[str]], dict[str, tuple[str, str | None]]] | None = None,
) -> None:
    """Let a package say where a course item of ``kind`` (by slug) is taken and its titles.

    ``titles(slugs)`` returns ``{slug: (spanish, english or None)}`` in one lookup.
    """
    _ITEM_LINKS[kind] = link
    if titles is not None:
        _ITEM_TITLES[kind] = titles


def item_titles(kind: str, refs: list[str]) -> dict[str, tuple[str, str | None]]:
    """Titles of assessment or simulation items, when their package provides them."""
    provider = _ITEM_TITLES.get(kind)
    return provider(refs) if provider and refs else {}


def item_link(kind: str, ref: str) -> str | None:
    """The URL of an assessment or simulation item, if its package provides one."""
    link = _ITEM_LINKS.get(kind)
    return link(ref) if link else None
