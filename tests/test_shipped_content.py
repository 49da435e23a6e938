"""Everything shipped with the app validates: the legal registry and every content source."""

from app.legal import load_registry
from courses.content_source import PACKAGE_CONTENT


def test_legal_registry_is_valid():
    registry = load_registry()
    assert "vccr-art36" in registry.provisions
    assert "ley-migracion-mx-art111" in registry.provisions
    # Trafficking and smuggling are two instruments, never one.
    assert registry.instruments["protocolo-trata"] != registry.instruments["protocolo-trafico"]


def test_shipped_content_passes_every_check(app):
    from app.content_registry import content_sources

    app.config["COURSES_CONTENT_DIR"] = str(PACKAGE_CONTENT)
    problems = {source.name: source.check() for source in content_sources()}
    assert problems == {name: [] for name in problems}
