"""The Recibo de Egresos PDF (R-3.12 exception), rendered for real."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from settlements.documents import ReciboEgresos, render_recibo_egresos
from tests.factories import OrganizationFactory


@pytest.mark.django_db
def test_r_3_12_recibo_de_egresos_pdf_has_the_facts_and_signature_lines():
    OrganizationFactory()
    pdf = render_recibo_egresos(
        ReciboEgresos(
            number="RE-2026-0007",
            date=dt.date(2026, 3, 3),
            place="San Salvador",
            traveler_name="Lucía Quispe",
            traveler_document="DNI 40000001",
            payee_name="Transporte Martínez",
            concept="Taxi aeropuerto–hotel",
            currency="USD",
            amount=Decimal("25.00"),
            mission_reference="M-2026-0012",
        )
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        "Recibo de Egresos",
        "RE-2026-0007",
        "03/03/2026",
        "Lucía Quispe",
        "Transporte Martínez",
        "25.00",
        "20512345678",
        "M-2026-0012",
    ):
        assert expected in text, expected
    assert "Firma" in text or "signature" in text.lower()
