"""Template filters and globals: locale-aware dates and numbers, role labels."""

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_timedelta

from app.audit import action_label
from app.content_registry import item_link
from app.i18n import LANGUAGE_NAMES, get_locale
from app.markdown import render_markdown
from app.security import ROLE_LABELS, Role


def register_jinja(app: Flask) -> None:
    """Add the filters and globals every template may use."""
    app.jinja_env.filters.update(
        date=lambda value, fmt="medium": format_date(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        number=lambda value: format_decimal(value),
        timedelta=format_timedelta,
        duration=lambda seconds: format_timedelta(seconds, threshold=1.1, granularity="minute"),
        role_label=lambda role: ROLE_LABELS[Role(role)],
        action_label=action_label,
        markdown=render_markdown,
    )
    app.jinja_env.globals.update(
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        current_locale=lambda: str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
        Role=Role,
        item_link=item_link,
    )
