"""PDF rendering with WeasyPrint, in the state format for administrative documents.

Templates extend `pdf/base_official.html` (Decree 30/2020/NĐ-CP layout). Fonts come only from
the Liberation Serif files bundled under static/fonts/, loaded through @font-face; the renderer
fetches nothing but those files and `data:` URIs, so a template (or text inside it) can never
make the server fetch a remote or arbitrary local address.

Every PDF is PDF/A-2b (ISO 19005-2, level B), WeasyPrint's `pdf_variant="pdf/a-2b"`: fonts
embedded, an sRGB output intent and XMP metadata declaring the part and conformance, so that the
archive can keep and read it (the documents are filed for years). Level B leaves room for the
incremental update a PAdES signature adds (`emulation.signing`).

The work is split in two: `render_html` (the template, fast, while the document is issued) and
`html_to_pdf` (WeasyPrint, slow, after the issue has been committed: `emulation.issued`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

import segno
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The family name is our own (templates/pdf/official.css uses it), so that a system font is never
# picked instead: were the bundled files not loaded, the text would visibly fall back to another
# font, and the tests would say so.
FONT_FAMILY = "Liberation Serif Bundled"
PDF_VARIANT = "pdf/a-2b"
OFFICIAL_LANGUAGE = "vi"
FONT_FILES = {
    ("normal", "normal"): "fonts/LiberationSerif-Regular.ttf",
    ("bold", "normal"): "fonts/LiberationSerif-Bold.ttf",
    ("normal", "italic"): "fonts/LiberationSerif-Italic.ttf",
    ("bold", "italic"): "fonts/LiberationSerif-BoldItalic.ttf",
}


@lru_cache(maxsize=1)
def _font_paths() -> dict[tuple[str, str], Path]:
    paths = {}
    for style, name in FONT_FILES.items():
        found = finders.find(name)
        if not found or isinstance(found, list):
            raise ImproperlyConfigured(f"The font {name} is missing from the static files.")
        paths[style] = Path(found).resolve()
    return paths


def pdf_fonts() -> list[dict[str, str]]:
    """The bundled fonts, with absolute file:// URLs, for the @font-face rules of
    templates/pdf/_fonts.css (file URIs percent-encode quotes and brackets)."""
    return [
        {"family": FONT_FAMILY, "weight": weight, "style": style, "url": path.as_uri()}
        for (weight, style), path in _font_paths().items()
    ]


class LocalOnlyFetcher(URLFetcher):
    """Fetch only the bundled fonts and `data:` URIs (QR codes); refuse everything else."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
            if path in _font_paths().values():
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/ttf"})
        raise ValueError(f"PDF templates may not load {url[:80]}")


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an SVG data URI, for an <img> in a PDF template."""
    return segno.make(text, error="m").svg_data_uri(border=0)


def render_html(template_name: str, context: dict[str, Any]) -> str:
    """The template rendered to HTML, always in Vietnamese, whoever asks: the decree prescribes
    the language of official documents, and dates and numbers must read the same on every copy."""
    with translation.override(OFFICIAL_LANGUAGE):
        return render_to_string(template_name, {**context, "pdf_fonts": pdf_fonts()})


def html_to_pdf(html: str) -> bytes:
    """The HTML of `render_html` laid out by WeasyPrint as a PDF/A-2b file."""
    return HTML(string=html, url_fetcher=LocalOnlyFetcher()).write_pdf(  # type: ignore[no-any-return]
        font_config=FontConfiguration(), pdf_variant=PDF_VARIANT
    )


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template (usually extending pdf/base_official.html) to PDF bytes."""
    return html_to_pdf(render_html(template_name, context))
