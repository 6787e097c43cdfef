"""A month of journal for the demo (called by load_demo): two of Rosa's missions on PREVDA's
travel line, through the same services a real month goes through, so that every entry comes
from a money event and links to its document.

- M1, three weeks ago: advance paid, settlement accepted (viáticos and a taxi), the balance
  returned: three entries (advance paid, recognized, money returned).
- M2, ten days ago: advance paid, the mission suspended before anything was spent (R-4), the
  money returned: two entries.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from missions import services as missions
from missions.models import Destination, Mission
from missions.rules import LegInput
from settlements import services as settlements
from settlements.models import Settlement
from viaticos.models import Organization, Project


def _pdf(name: str, title: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": title})  # a different file each (R-7c)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _paid_mission(users, start: dt.date, purpose: str) -> Mission:
    traveler = users["viajera2"]
    end = start + dt.timedelta(days=2)
    mission = missions.mission_create(
        actor=traveler,
        project=Project.objects.get(code="PREVDA"),
        kind=Mission.Kind.ORDINARY,
        purpose=purpose,
        expected_results="Informe técnico y acuerdos firmados",
        budget_line="2.1.3",
        departure_at=_at(start, 7),
        return_at=_at(end, 19),
        legs=[LegInput(Destination.objects.get(code="SV-SAL"), _at(start, 12), _at(end, 14))],
    )
    missions.mission_submit(actor=traveler, mission=mission)
    missions.mission_authorize(actor=users["coordinador"], mission=mission)
    missions.mission_authorize(actor=users["secretaria"], mission=mission)
    advance = missions.advance_request(
        actor=traveler, mission=mission, terminal_estimate=Decimal("50.00")
    )
    missions.advance_approve(actor=users["coordinador"], advance=advance)
    missions.advance_approve(actor=users["finanzas"], advance=advance)
    missions.advance_sign(actor=traveler, advance=advance)
    missions.advance_disburse(
        actor=users["tesoreria"],
        advance=advance,
        disbursed_on=start - dt.timedelta(days=2),
        method="transfer",
        reference=f"OP-{start:%m%d}",
    )
    return mission


def load(users: dict) -> None:
    traveler, accountant = users["viajera2"], users["contador"]
    if Settlement.objects.filter(mission__traveler=traveler).exists():
        return  # idempotent: loaded before
    today = timezone.localdate()
    organization = Organization.current()

    first = _paid_mission(users, today - dt.timedelta(days=24), "Taller de alerta temprana")
    missions.mission_start(actor=traveler, mission=first)
    missions.mission_mark_returned(actor=traveler, mission=first)
    settlement = settlements.settlement_start(actor=traveler, mission=first)
    for kind in ("proof_of_travel", "mission_report"):
        settlements.settlement_attach_document(
            actor=traveler, settlement=settlement, kind=kind, upload=_pdf(f"{kind}.pdf", kind)
        )
    settlements.receipt_add(
        actor=traveler,
        settlement=settlement,
        upload=_pdf("taxi.pdf", "taxi demo"),
        receipt_type="invoice",
        category="taxi",
        issuer_name="Taxis Seguros S.A.",
        issuer_tax_id="0614-010101-101-1",
        number="F001-00731",
        customer_name=organization.name if organization else "",
        customer_tax_id=organization.tax_id if organization else "",
        date=today - dt.timedelta(days=23),
        currency="USD",
        amount=Decimal("35.00"),
    )
    settlements.settlement_submit(actor=traveler, settlement=settlement)
    settlements.settlement_receive(
        actor=users["asistente"], settlement=settlement, today=today - dt.timedelta(days=18)
    )
    for receipt in settlement.receipts.all():
        settlements.receipt_review(actor=accountant, receipt=receipt, decision="accepted")
    settlements.settlement_review_finish(actor=accountant, settlement=settlement)
    settlements.settlement_settle(
        actor=accountant, settlement=settlement, today=today - dt.timedelta(days=16)
    )
    settlements.settlement_record_balance(
        actor=accountant,
        settlement=settlement,
        on=today - dt.timedelta(days=14),
        reference="DEP-0415",
    )

    second = _paid_mission(
        users, today - dt.timedelta(days=10), "Visita a comunidades de Sonsonate"
    )
    missions.mission_suspend(
        actor=users["secretaria"], mission=second, reason="Alerta roja por lluvias"
    )
    missions.advance_record_return(
        actor=users["tesoreria"],
        advance=second.advances.get(),
        returned_on=today - dt.timedelta(days=9),
        reference="DEP-0421",
    )
