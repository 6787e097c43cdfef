"""PDF documents of a settlement (SPEC §6): the Recibo de Egresos and the stamped bundle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from settlements.errors import SettlementsError
from viaticos.pdf import render_pdf
from viaticos.people import display_name


@dataclass(frozen=True)
class ReciboEgresos:
    """R-3.12 exception: an expense receipt the product generates for the traveler to sign when
    the provider cannot issue an invoice; signed and uploaded, it counts as a receipt."""

    number: str
    date: dt.date
    place: str
    traveler_name: str
    concept: str
    currency: str
    amount: Decimal
    traveler_document: str = ""
    payee_name: str = ""
    payee_document: str = ""
    category_label: str = ""
    mission_reference: str = ""
    amount_usd: Decimal | None = None


def render_recibo_egresos(recibo: ReciboEgresos, *, language: str | None = None) -> bytes:
    return render_pdf("settlements/pdf/recibo_egresos.html", {"recibo": recibo}, language=language)


def render_recibo_for(
    settlement,
    *,
    date: dt.date,
    concept: str,
    currency: str,
    amount: Decimal,
    place: str = "",
    payee_name: str = "",
) -> bytes:
    """The Recibo de Egresos of one expense of this settlement, numbered per settlement."""
    traveler = settlement.mission.traveler
    profile = getattr(traveler, "traveler_profile", None)
    count = settlement.receipts.filter(receipt_type="recibo_egresos").count() + 1
    recibo = ReciboEgresos(
        number=f"RE-{settlement.code}-{count:02d}",
        date=date,
        place=place,
        traveler_name=display_name(traveler),
        traveler_document=f"{profile.document_type} {profile.document_number}" if profile else "",
        payee_name=payee_name,
        concept=concept,
        currency=currency.upper(),
        amount=amount,
        mission_reference=str(settlement.mission.code),
    )
    return render_recibo_egresos(recibo)


def render_bundle(settlement) -> bytes:
    """R-3.7: the stamped documents of the settlement, in order, behind a cover sheet."""
    from django.core.files.storage import default_storage
    from django.utils.translation import gettext as _

    from settlements.stamping import BundleItem, build_bundle
    from viaticos.errors import DomainError

    docs = list(settlement.documents.select_related("receipt").order_by("receipt_id", "pk"))
    # General documents first (proof of travel, report), then each receipt with its detail.
    docs.sort(key=lambda d: (d.receipt_id is not None, d.receipt.date if d.receipt else None, d.pk))
    if not docs or any(not d.stamped_file for d in docs):
        raise DomainError(
            SettlementsError.NOT_STAMPED,
            _(
                "The stamped bundle exists once the Accounting Assistant has received the "
                "settlement."
            ),
        )

    def reader(name: str):
        def read() -> bytes:
            with default_storage.open(name, "rb") as handle:
                return handle.read()

        return read

    items = []
    for doc in docs:
        content = reader(doc.stamped_file)  # read when the bundle comes to it
        if doc.receipt:
            r = doc.receipt
            detail = f"{r.issuer_name} · {r.number} · {r.date:%d/%m/%Y} · {r.currency} {r.amount}"
        else:
            detail = doc.original_name
        items.append(BundleItem(doc.get_kind_display(), content, doc.stamped_content_type, detail))
    traveler = settlement.mission.traveler
    facts = [
        (_("Settlement"), settlement.code),
        (_("Mission"), settlement.mission.code),
        (_("Traveler"), display_name(traveler)),
    ]
    if settlement.received_by:
        name = display_name(settlement.received_by)
        facts.append((_("Received and stamped by"), name))
    return build_bundle(
        items,
        title=_("Stamped documents of settlement %(code)s") % {"code": settlement.code},
        context={"facts": facts},
    )


def render_report(settlement) -> bytes:
    """SPEC §6: mission, actual times, per-diem lines, receipts (original and USD), checks,
    balance and signatures."""
    from missions.rules import snapshot_to_result
    from settlements.selectors import settlement_summary

    summary = settlement_summary(settlement)
    return render_pdf(
        "settlements/pdf/report.html",
        {
            "settlement": settlement,
            "mission": settlement.mission,
            "perdiem": snapshot_to_result(settlement.perdiem),
            "summary": summary,
        },
    )
