import pytest

from tests.factories import OrganizationFactory
from viaticos.pdf import render_pdf


@pytest.mark.django_db
def test_pdf_is_a4_with_the_organization_in_the_header():
    OrganizationFactory()
    pdf = render_pdf("pdf/test_page.html", {"heading": "Prueba"})
    assert pdf.startswith(b"%PDF-")
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4 in points
    text = page.extract_text()
    assert "Secretaría Ejecutiva Regional" in text and "20512345678" in text and "Prueba" in text
