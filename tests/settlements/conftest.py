import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from missions import services as mission_services
from settlements import services
from tests.missions.conftest import (  # noqa: F401  (fixtures shared with the missions tests)
    authorized_mission,
    disbursed_advance,
    make_mission,
    organization,
    project,
    signed_advance,
)

_counter = iter(range(1, 10_000))


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def pdf_upload(name="doc.pdf", pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    # a unique title makes every generated file a different file (R-7c compares hashes)
    writer.add_metadata({"/Title": f"doc {next(_counter)}"})
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def png_upload(name="photo.png"):
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (next(_counter) % 255, 90, 160)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def returned_mission(disbursed_advance):  # noqa: F811
    """E1 (San Salvador, 400.00 per diem) with an advance of 450.00, back at the duty station."""

    def make(user=None):
        advance = disbursed_advance(user)
        mission = advance.mission
        mission_services.mission_start(actor=mission.traveler, mission=mission)
        mission_services.mission_mark_returned(actor=mission.traveler, mission=mission)
        mission.refresh_from_db()
        return mission

    return make


def receipt_fields(**overrides):
    values = {
        "receipt_type": "invoice",
        "category": "taxi",
        "issuer_name": "Taxis Seguros S.A.",
        "issuer_tax_id": "0614-010101-101-1",
        "number": f"F001-{next(_counter):05d}",
        "customer_name": "Secretaría Ejecutiva Regional",
        "customer_tax_id": "20512345678",
        "date": dt.date(2026, 3, 3),
        "currency": "USD",
        "amount": __import__("decimal").Decimal("35.00"),
    }
    values.update(overrides)
    if "upload" not in values:
        values["upload"] = pdf_upload("receipt.pdf")
    return values


@pytest.fixture
def draft(returned_mission):
    def make(user=None):
        mission = returned_mission(user)
        return services.settlement_start(actor=mission.traveler, mission=mission)

    return make


@pytest.fixture
def submitted(draft):
    def make(user=None, receipts=()):
        settlement = draft(user)
        traveler = settlement.mission.traveler
        for kind in ("proof_of_travel", "mission_report"):
            services.settlement_attach_document(
                actor=traveler, settlement=settlement, kind=kind, upload=pdf_upload()
            )
        for fields in receipts or [receipt_fields()]:
            services.receipt_add(actor=traveler, settlement=settlement, **fields)
        services.settlement_submit(actor=traveler, settlement=settlement)
        settlement.refresh_from_db()
        return settlement

    return make
