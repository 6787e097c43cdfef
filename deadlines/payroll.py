"""Payroll export of deduction orders (R-8b) as CSV or XLSX.

Layout (one row per order, this column order, header in the first row):
`order` (OD-00001), `issued_on` (YYYY-MM-DD), `person` (full name), `document_number`
(identity document), `amount` (USD, two decimals, dot as separator), `currency` (USD),
`concept`, `mission_reference` (mission / advance codes), `rule` (R-8b).

An order is exported once: the export marks it; exporting a period again needs a reason, which
is logged with the new export (PayrollExport).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.errors import DeadlinesError
from deadlines.models import PayrollDeductionOrder, PayrollExport
from missions import hooks
from missions.models import Advance
from viaticos import spreadsheets
from viaticos.business_days import duty_calendar
from viaticos.errors import DomainError
from viaticos.roles import Role, has_role
from viaticos.rules_registry import enforces

# Spanish headers for the payroll office (issue 20); dates and amounts as real values in XLSX.
COLUMNS = (
    spreadsheets.Column("Orden", 12),
    spreadsheets.Column("Emitida el", 12, "date"),
    spreadsheets.Column("Persona", 30),
    spreadsheets.Column("N.° de documento", 16),
    spreadsheets.Column("Importe", 12, "money"),
    spreadsheets.Column("Moneda", 8),
    spreadsheets.Column("Concepto", 40),
    spreadsheets.Column("Referencia de la misión", 24),
    spreadsheets.Column("Regla", 8),
)
CONTENT_TYPES: dict[str, str] = {
    PayrollExport.Format.CSV: "text/csv; charset=utf-8",
    PayrollExport.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExportFile:
    export: PayrollExport
    filename: str
    content_type: str
    content: bytes


def order_row(order: PayrollDeductionOrder) -> list:
    return [
        order.code,
        order.issued_on,
        order.person_name,
        order.document_number,
        order.amount,
        "USD",
        order.concept,
        order.mission_reference,
        "R-8b",
    ]


def to_csv(rows: list[list]) -> bytes:
    """Text cells that a spreadsheet would run as a formula are neutralized (safe_cell)."""
    return spreadsheets.csv_bytes([c.header for c in COLUMNS], rows)


def to_xlsx(rows: list[list]) -> bytes:
    return spreadsheets.xlsx_bytes("Descuentos", COLUMNS, rows)


def month_period(value: str) -> tuple[dt.date, dt.date]:
    """'2026-03' → (2026-03-01, 2026-03-31)."""
    try:
        start = dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise DomainError(
            DeadlinesError.INVALID_PERIOD,
            _("Give the period as YYYY-MM, e.g. 2026-03."),
            field="period",
        ) from None
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start, end


@enforces("R-8b")
def _follow_ledger(
    pending: list[PayrollDeductionOrder], today: dt.date
) -> list[PayrollDeductionOrder]:
    """R-8b (SPEC §4): payroll never recovers more than the traveler owes now. An order whose
    advance the ledger says owes less (money returned, a settlement accepted) is cut to it;
    one whose advance owes nothing is cancelled. The orders still to export are returned."""
    from settlements import ledger

    if not pending:
        return []
    positions = ledger.advance_positions(
        Advance.objects.filter(pk__in=[o.advance_id for o in pending]),
        today=today,
        calendar=duty_calendar(),
    )
    kept, cut, cancelled = [], [], []
    # Several orders of one advance in one export (R-8b): together they recover what is owed.
    left = {advance_id: p.owed for advance_id, p in positions.items()}
    for order in pending:
        owed = left[order.advance_id]
        if owed <= 0:
            order.state, order.cancelled_on = PayrollDeductionOrder.State.CANCELLED, today
            cancelled.append(order)
            continue
        if order.amount > owed:
            order.amount = owed
            cut.append(order)
        left[order.advance_id] = owed - order.amount
        kept.append(order)
    PayrollDeductionOrder.objects.bulk_update(cancelled, ["state", "cancelled_on"])
    PayrollDeductionOrder.objects.bulk_update(cut, ["amount"])
    return kept


def _settle_recovered(actor, advance_ids: list[int], today: dt.date) -> None:
    """An advance whose settlement was accepted and whose balance the deduction just recovered
    owes nothing any more: it is settled, and its settlement closed (settlements.services)."""
    from settlements import services
    from settlements.models import Settlement

    for settlement in Settlement.objects.filter(
        advance_id__in=advance_ids, status=Settlement.Status.SETTLED
    ):
        services.settlement_follow_ledger(settlement=settlement, actor=actor, today=today)


@enforces("R-8b")
@transaction.atomic
def payroll_export(
    *, actor, period_start: dt.date, period_end: dt.date, file_format: str, reason: str = ""
) -> ExportFile:
    """R-8b: the deduction orders of the period not exported yet; with a reason, all of the
    period's orders again (logged). Cancelled orders are never exported."""
    if not has_role(actor, Role.GENERAL_ACCOUNTANT):
        raise DomainError(
            DeadlinesError.NOT_ALLOWED, _("Only the General Accountant exports payroll.")
        )
    if file_format not in PayrollExport.Format.values:
        raise DomainError(DeadlinesError.INVALID_FORMAT, _("Choose CSV or XLSX."), field="format")
    if period_end < period_start:
        raise DomainError(DeadlinesError.INVALID_PERIOD, _("The period ends before it starts."))
    reason = (reason or "").strip()
    orders = list(
        PayrollDeductionOrder.objects.select_for_update(of=("self",))
        .filter(issued_on__range=(period_start, period_end))
        # A proposal reaches payroll only once a person applied it (R-A1).
        .exclude(
            state__in=[PayrollDeductionOrder.State.CANCELLED, PayrollDeductionOrder.State.PROPOSED]
        )
        .order_by("issued_on", "pk")
    )
    pending = _follow_ledger(
        [o for o in orders if o.state == PayrollDeductionOrder.State.PENDING],
        timezone.localdate(),
    )
    orders = [o for o in orders if o.state != PayrollDeductionOrder.State.CANCELLED]
    if reason:
        chosen = orders
    elif pending:
        chosen = pending
    elif orders:
        raise DomainError(
            DeadlinesError.ALREADY_EXPORTED,
            _(
                "Every deduction order of this period was already exported. To export them "
                "again, give the reason (it is logged)."
            ),
            field="reason",
        )
    else:
        raise DomainError(
            DeadlinesError.NOTHING_TO_EXPORT, _("There are no deduction orders in this period.")
        )
    now = timezone.now()
    export = PayrollExport.objects.create(
        period_start=period_start,
        period_end=period_end,
        file_format=file_format,
        reexport_reason=reason,
        order_count=len(chosen),
        total=sum((o.amount for o in chosen), Decimal("0.00")),
        created_by=actor,
    )
    export.orders.add(*chosen)
    for order in pending:
        if order in chosen:
            order.state, order.exported_at, order.first_export = (
                PayrollDeductionOrder.State.EXPORTED,
                now,
                export,
            )
    PayrollDeductionOrder.objects.bulk_update(
        [o for o in pending if o in chosen], ["state", "exported_at", "first_export"]
    )
    hooks.money_event(  # SPEC §2.5: the journal (an exported deduction is money recovered)
        "deduction_recovered",
        orders=[o for o in pending if o in chosen],
        on=timezone.localdate(),
        actor=actor,
    )
    _settle_recovered(actor, [o.advance_id for o in pending if o in chosen], timezone.localdate())
    rows = [order_row(o) for o in chosen]
    content = to_csv(rows) if file_format == PayrollExport.Format.CSV else to_xlsx(rows)
    filename = f"descuentos-planilla-{period_start:%Y%m%d}-{period_end:%Y%m%d}.{file_format}"
    return ExportFile(export, filename, CONTENT_TYPES[file_format], content)
