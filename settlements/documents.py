"""PDF documents of a settlement (SPEC §6): the Recibo de Egresos and the stamped bundle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from viaticos.pdf import render_pdf


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
