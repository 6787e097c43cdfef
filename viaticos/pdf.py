"""PDF rendering with WeasyPrint: A4, the organization in the header, Spanish by default (§6)."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from viaticos.models import Organization

_fonts = threading.local()


def _font_config() -> Any:  # a WeasyPrint FontConfiguration (untyped)
    """One Fontconfig/Pango font map per thread, kept between documents.

    WeasyPrint otherwise builds a new one for every PDF: it reloads the Fontconfig configuration
    and opens the font files again, and its glyph caches start cold (about 40 ms of a 50-line
    report). Our templates declare no @font-face, so nothing document-specific is added to it.
    Per thread because a Pango font map is not thread-safe."""
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _fonts.config = FontConfiguration()
    return config


def render_pdf(template: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    """Render a template extending `pdf/base.html` to PDF bytes."""
    from weasyprint import HTML  # imported lazily: loading Pango is slow

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template, {"organization": Organization.current(), **context})
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=_font_config()
    )
    return pdf


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser. Documents carry personal data: never kept in a shared cache."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
