import io
import threading

import pytest
from pypdf import PdfReader

from tests.factories import OrganizationFactory
from viaticos.pdf import _font_config, render_pdf


@pytest.mark.django_db
def test_pdf_is_a4_with_the_organization_in_the_header():
    OrganizationFactory()
    pdf = render_pdf("pdf/test_page.html", {"heading": "Prueba"})
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4 in points
    text = page.extract_text()
    assert "Secretaría Ejecutiva Regional" in text and "20512345678" in text and "Prueba" in text


@pytest.mark.django_db
def test_documents_share_one_font_configuration_per_thread():
    """WeasyPrint would otherwise reload Fontconfig and reopen the fonts for every PDF; a Pango
    font map is not thread-safe, so each thread has its own."""
    OrganizationFactory()
    first = render_pdf("pdf/test_page.html", {"heading": "Uno"})
    second = render_pdf("pdf/test_page.html", {"heading": "Dos"})
    assert _font_config() is _font_config()
    other = []
    thread = threading.Thread(target=lambda: other.append(_font_config()))
    thread.start()
    thread.join()
    assert other[0] is not _font_config()
    texts = [PdfReader(io.BytesIO(pdf)).pages[0].extract_text() for pdf in (first, second)]
    assert "Uno" in texts[0] and "Dos" in texts[1]


@pytest.mark.django_db
def test_footer_and_page_numbers_are_in_the_document_font():
    """The page-margin boxes inherit from the root element: no serif fallback font for them."""
    OrganizationFactory()
    pdf = render_pdf("pdf/test_page.html", {"heading": "Prueba"})
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = [str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()]
    assert fonts and all("DejaVu-Sans" in name for name in fonts), fonts
    assert "1 / 1" in page.extract_text()
