"""The only import point for gettext helpers, and the locale and timezone selectors."""

from flask import current_app, has_request_context, request, session
from flask_babel import force_locale, get_locale, lazy_gettext, lazy_ngettext, ngettext
from flask_babel import gettext as _
from flask_login import current_user

_l = lazy_gettext

LANGUAGE_NAMES = {"es": "Español", "en": "English"}
SESSION_LANGUAGE_KEY = "lang"

__all__ = [
    "_",
    "_l",
    "ngettext",
    "lazy_ngettext",
    "force_locale",
    "get_locale",
    "select_locale",
    "select_timezone",
    "language",
]


def language() -> str:
    """The interface language now: "es" or "en" (content has no other)."""
    return "en" if str(get_locale() or "es").startswith("en") else "es"


def select_locale() -> str:
    """Pick the user's saved language, then the visitor's choice, then Accept-Language, then es."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get(SESSION_LANGUAGE_KEY)
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str | None:
    """Use the time zone of the user's office; None falls back to the configured default."""
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated and current_user.office is not None:
        return current_user.office.timezone
    return None
