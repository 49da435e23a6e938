"""Registry of content sources, so `flask content check|sync` covers every package's files."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ContentSource:
    """A package's content: ``check()`` returns error strings, ``sync()`` a summary line."""

    name: str
    check: Callable[[], list[str]]
    sync: Callable[[], str]
    order: int = 100


_SOURCES: dict[str, ContentSource] = {}


def register_content_source(source: ContentSource) -> None:
    """Add or replace a content source by name."""
    _SOURCES[source.name] = source


def content_sources() -> list[ContentSource]:
    """Registered sources, in load order (banks before the courses that cite them)."""
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.name))
