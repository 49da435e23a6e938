"""HTML → PDF with WeasyPrint, fetching nothing but files under one folder and data: URLs."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher

STATIC = Path(__file__).with_name("static")


class FetchRefused(ValueError):
    """A document asked for a resource outside the allowed folder."""


class RestrictedFetcher(URLFetcher):
    """Serve only files below ``root`` and data: URLs; refuse the network and other files."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers=None):
        """Fetch ``url`` if it is a data: URL or a file below the root."""
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if self.root not in path.parents:
                raise FetchRefused(f"refused to read {path}")
        elif parts.scheme != "data":
            raise FetchRefused(f"refused to fetch {url!r}")
        return super().fetch(url, headers)


def render_pdf(html: str, assets: Path = STATIC) -> bytes:
    """Render ``html`` to PDF; relative URLs resolve inside ``assets`` and nowhere else."""
    base = assets.resolve().as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=RestrictedFetcher(assets)).write_pdf()
