"""Language selection, locale formatting and complete catalogs."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_ngettext": (1, 2)}


def login_page(client, **headers):
    return client.get("/cuenta/entrar", headers=headers).get_data(as_text=True)


def test_default_language_is_spanish(client):
    page = login_page(client)
    assert '<html lang="es">' in page
    assert "Saltar al contenido principal" in page


def test_accept_language_english_is_honoured(client):
    page = login_page(client, **{"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in page
    assert "Skip to main content" in page


def test_unsupported_accept_language_falls_back_to_spanish(client):
    assert '<html lang="es">' in login_page(client, **{"Accept-Language": "de-DE,fr;q=0.8"})


def test_visible_switch_changes_language_and_returns_to_page(client):
    response = client.post("/idioma", data={"language": "en", "next": "/cuenta/olvide-contrasena"})
    assert response.headers["Location"] == "/cuenta/olvide-contrasena"
    assert '<html lang="en">' in login_page(client)


def test_switch_refuses_offsite_next(client):
    response = client.post("/idioma", data={"language": "en", "next": "//malo.example/"})
    assert response.headers["Location"] == "/"


def test_saved_preference_beats_accept_language_and_switch_saves_it(client, learner, login):
    login(learner)
    page = client.get("/inicio", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="es">' in page
    client.post("/idioma", data={"language": "en", "next": "/inicio"})
    db.session.refresh(learner)
    assert learner.language == "en"
    assert '<html lang="en">' in client.get("/inicio").get_data(as_text=True)


def test_dates_are_formatted_for_the_locale(app):
    from flask_babel import format_date

    day = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    for language, expected in (("es", "5 de marzo de 2026"), ("en", "March 5, 2026")):
        with app.app_context(), app.test_request_context(headers={"Accept-Language": language}):
            assert format_date(day, "long") == expected


def _extracted_ids() -> set[str]:
    ids = set()
    method_map = [
        ("app/**.py", "python"),
        ("courses/**.py", "python"),
        ("assessments/**.py", "python"),
        ("case_simulations/**.py", "python"),
        ("certificates/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    options = {"templates/**.html": {"trimmed": "true"}, "templates/**.txt": {"trimmed": "true"}}
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map, options_map=options, keywords=KEYWORDS
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


@pytest.mark.parametrize("locale", ["es", "en"])
def test_catalog_is_complete(locale):
    path = ROOT / "app" / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated[key] = all(strings) and not message.fuzzy
    missing = sorted(i for i in _extracted_ids() if not translated.get(i))
    assert not missing, f"{locale}: {len(missing)} strings lack a translation: {missing[:10]}"
