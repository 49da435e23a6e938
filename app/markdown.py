"""Sanitised Markdown → HTML: the one renderer for every trainer-authored text.

Raw HTML in Markdown is escaped, links keep only http(s)/mailto/relative targets, and the
result goes through nh3 (Ammonia) with an allow-list, so scripts, event handlers and
``javascript:`` URLs never reach the page. Rendering is cached by content hash.
"""

import hashlib
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
    "dfn",
    "sup",
    "sub",
    "span",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "img": {"src", "alt"},
    "a": {"href", "title", "class"},
    "abbr": {"title"},
    "th": {"scope"},
    "td": set(),
    "ol": {"start"},
    "span": {"class", "lang"},
    "dfn": {"id"},
}


# Images only from the site's own uploaded lesson images (see courses.authoring.images).
IMAGE_SRC = re.compile(r"^/medios/[0-9a-f]{32}\.(?:png|jpg|gif|webp)$")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if IMAGE_SRC.match(value) else None
    return value


def sanitize_html(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes; images only from /medios/."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_attribute_filter,
    )


@lru_cache(maxsize=1024)
def _render_cached(digest: str, text: str) -> str:
    # ``digest`` keys the cache by content; ``text`` is carried along to render on a miss.
    return sanitize_html(_md.render(text))


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to safe HTML (cached by the SHA-256 of the text)."""
    if not text:
        return Markup("")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Markup(_render_cached(digest, text))  # noqa: S704 - sanitised above
