"""Certificate PDFs: plain context → HTML in the recipient's language → PDF (WeasyPrint).

One FontConfiguration and the stylesheet are loaded once per process: a warm render is then
about twice as fast, and a long-running worker's memory stays flat. Fonts, the seal and the
stylesheet ship in ``certificates/assets``; the fetcher refuses anything else (and the network).
"""

import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import segno
from babel.dates import format_date
from babel.numbers import format_decimal
from flask import render_template
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration

from app.i18n import force_locale
from app.pdf import RestrictedFetcher
from certificates.codes import format_code
from certificates.credentials import Facts

ASSETS = Path(__file__).with_name("assets")
_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def print_resources() -> tuple[CSS, FontConfiguration]:
    """The stylesheet and its font configuration, loaded once per process."""
    with _lock:
        if "css" not in _loaded:
            fonts = FontConfiguration()
            _loaded["fonts"] = fonts
            _loaded["css"] = CSS(
                filename=str(ASSETS / "certificate.css"),
                font_config=fonts,
                url_fetcher=RestrictedFetcher(ASSETS),
            )
        return _loaded["css"], _loaded["fonts"]


# Images fetched by URL (the seal) are parsed once per process; the QR code, a data: URL unique
# to each certificate, is keyed by its content and dropped with the oldest entries.
_image_cache: dict = {}
IMAGE_CACHE_LIMIT = 64


def qr_data_uri(text: str) -> str:
    """A QR code (SVG, error correction M) as a data: URL."""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


def build_context(
    facts: Facts, locale: str, timezone: str, verification_url: str, qr_text: str
) -> dict[str, Any]:
    """Everything the print template shows, as plain values."""

    def day(moment: datetime) -> str:
        return format_date(moment.astimezone(ZoneInfo(timezone)).date(), "long", locale=locale)

    return {
        "locale": "en" if locale.startswith("en") else "es",
        "holder_name": facts.holder_name,
        "course_title": facts.course_title,
        "course_code": facts.course_code,
        "version_label": facts.version_label,
        "hours": format_decimal(facts.hours, locale=locale),
        "issued": day(facts.issued_at),
        "expires": day(facts.expires_at),
        "serial": facts.serial,
        "code": format_code(facts.code),
        "verification_url": verification_url,
        "qr": qr_data_uri(qr_text),
    }


def render_html(context: dict[str, Any]) -> str:
    """The print template in the recipient's language (names are escaped by Jinja)."""
    with force_locale(context["locale"]):
        return render_template("certificates/pdf/certificate.html", **context)


def render_pdf(html: str, credential: dict | None = None) -> bytes:
    """A4 landscape PDF of ``html``, with the signed credential embedded as an attachment."""
    css, fonts = print_resources()
    attachments = []
    if credential is not None:
        attachments.append(
            Attachment(
                string=json.dumps(credential, ensure_ascii=False, indent=2),
                name="credential.json",
                description="Open Badges 3.0 credential",
            )
        )
    document = HTML(
        string=html, base_url=ASSETS.resolve().as_uri() + "/", url_fetcher=RestrictedFetcher(ASSETS)
    )
    if len(_image_cache) > IMAGE_CACHE_LIMIT:
        _image_cache.clear()
    return document.write_pdf(
        stylesheets=[css], font_config=fonts, attachments=attachments, cache=_image_cache
    )
