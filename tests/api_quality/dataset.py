"""A small, realistic dataset for the API fuzzing and the bad-input catalogue.

One user per role (with an API token), the seed rates, one organization and project, missions
in the main states (draft, submitted, authorized; returned with its advance disbursed and its
settlement submitted with one receipt), a proposed sanction and an ARCO request, so that
generated ids hit real objects in several states.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import OrganizationFactory, ProjectFactory, UserFactory
from viaticos.roles import Role

ANON = "anonymous"


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def pdf_bytes(title: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()


def pdf_upload(title: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{title}.pdf", pdf_bytes(title), content_type="application/pdf")


def _mission(traveler, project, start_day: int, *, month: int = 3):
    from missions import services
    from missions.models import Destination
    from missions.rules import LegInput

    return services.mission_create(
        actor=traveler,
        project=project,
        kind="ordinary",
        purpose="Taller regional de gestión de riesgos",
        expected_results="Plan de acción acordado",
        budget_line="2.1.3 Viajes",
        departure_at=local(2026, month, start_day, 7, 30),
        return_at=local(2026, month, start_day + 3, 19, 0),
        legs=[
            LegInput(
                Destination.objects.get(code="SV-SAL"),
                local(2026, month, start_day, 11, 0),
                local(2026, month, start_day + 3, 15, 0),
            )
        ],
    )


def build() -> dict:
    """Create the dataset (the caller owns the transaction) and return what tests need."""
    from django.core.management import call_command

    from deadlines import sanctions
    from missions import services as ms
    from privacy import clock
    from privacy import services as ps
    from settlements import services as ss
    from viaticos.tokens import api_token_create

    call_command("loaddata", "rates_seed", verbosity=0)
    OrganizationFactory()
    users = {
        role.value: UserFactory(
            username=f"q-{role.value}", roles=[role], profile=role == Role.TRAVELER
        )
        for role in Role
    }
    tokens = {who: api_token_create(actor=user) for who, user in users.items()}
    traveler = users[Role.TRAVELER.value]
    coordinator = users[Role.PROJECT_COORDINATOR.value]
    secretary = users[Role.EXECUTIVE_SECRETARY.value]
    finance = users[Role.FINANCE_DIRECTOR.value]
    treasurer = users[Role.TREASURY.value]
    project = ProjectFactory(code="PREVDA", coordinator=coordinator)

    def authorized(day, month=3):
        mission = _mission(traveler, project, day, month=month)
        ms.mission_submit(actor=traveler, mission=mission)
        ms.mission_authorize(actor=coordinator, mission=mission)
        ms.mission_authorize(actor=secretary, mission=mission)
        return mission

    def disbursed(day, month=3):
        mission = authorized(day, month)
        advance = ms.advance_request(
            actor=traveler, mission=mission, terminal_estimate=Decimal("50.00")
        )
        ms.advance_approve(actor=coordinator, advance=advance)
        ms.advance_approve(actor=finance, advance=advance)
        ms.advance_sign(actor=traveler, advance=advance)
        ms.advance_disburse(
            actor=treasurer,
            advance=advance,
            disbursed_on=dt.date(2026, month, day - 1),
            method="transfer",
            reference="OP-1",
        )
        ms.mission_start(actor=traveler, mission=mission)
        ms.mission_mark_returned(actor=traveler, mission=mission)
        return mission

    # Settled in order: the submitted settlement is the older trip, the draft the newer one.
    submitted_mission = disbursed(9, month=2)
    submitted = ss.settlement_start(actor=traveler, mission=submitted_mission)
    for kind in ("proof_of_travel", "mission_report"):
        ss.settlement_attach_document(
            actor=traveler, settlement=submitted, kind=kind, upload=pdf_upload(f"s-{kind}")
        )
    receipt = ss.receipt_add(
        actor=traveler,
        settlement=submitted,
        upload=pdf_upload("receipt-1"),
        receipt_type="invoice",
        category="taxi",
        issuer_name="Taxis Seguros S.A.",
        issuer_tax_id="0614-010101-101-1",
        number="F001-00001",
        customer_name="Secretaría Ejecutiva Regional",
        customer_tax_id="20512345678",
        date=dt.date(2026, 2, 10),
        currency="USD",
        amount=Decimal("35.00"),
    )
    ss.settlement_submit(actor=traveler, settlement=submitted)

    draft_mission = _mission(traveler, project, 16)
    submitted_only = _mission(traveler, project, 23)
    ms.mission_submit(actor=traveler, mission=submitted_only)
    with_request = authorized(2, month=4)

    sanction = sanctions.sanction_propose(
        actor=users[Role.GENERAL_ACCOUNTANT.value],
        kind="altered_documents",
        person=traveler,
        mission=submitted_mission,
        reason="Comprobante alterado",
        today=dt.date(2026, 3, 2),
    )
    arco = ps.arco_request_file(
        filing=ps.ArcoFiling(
            right="acceso",
            full_name="Titular de Prueba",
            document_type="DNI",
            document_number="45879632",
            email="titular@example.org",
            request_detail="Quiero una copia de mis datos.",
            notice_acknowledged=True,
        ),
        document_file=SimpleUploadedFile("dni.png", png_bytes(), content_type="image/png"),
        today=clock.today(),
    )
    return {
        "users": users,
        "tokens": tokens,
        "project": project,
        "draft_mission": draft_mission,
        "submitted_mission": submitted_only,
        "authorized_mission": with_request,
        "returned_mission": submitted_mission,
        "advance": submitted_mission.advances.get(),
        "settlement": submitted,
        "receipt": receipt,
        "sanction": sanction,
        "arco": arco,
    }
