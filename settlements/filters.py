"""Search, filters and sorting of settlement lists (issue 20), shared by *Mis liquidaciones*,
the accounting inbox, their exports and the API (viaticos.lists). The queryset handed in is
already scoped by the page's selector."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from missions.models import Project
from settlements import selectors
from settlements.models import Settlement
from viaticos import spreadsheets
from viaticos.lists import ListFilter, amount_range, date_range
from viaticos.people import display_name
from viaticos.spreadsheets import Column


class SettlementFilter(ListFilter):
    search_fields = (
        "mission__traveler__first_name",
        "mission__traveler__last_name",
        "mission__traveler__username",
        "mission__project__code",
        "mission__purpose",
        "balance_reference",
    )
    code_prefixes = ("L-", "M-")
    code_field = "pk"

    status = django_filters.ChoiceFilter(choices=Settlement.Status.choices, label=_("Status"))
    project = django_filters.ModelChoiceFilter(
        field_name="mission__project",
        queryset=Project.objects.order_by("code"),
        label=_("Project"),
    )
    returned_from, returned_to = date_range(
        "actual_return_at", start=_("Back from"), end=_("Back until"), on_datetime=True
    )
    balance_min, balance_max = amount_range("balance")
    order = django_filters.OrderingFilter(
        fields=(
            ("actual_return_at", "return"),
            ("submitted_at", "submitted"),
            ("balance", "balance"),
            ("status", "status"),
        ),
        field_labels={
            "actual_return_at": _("Return"),
            "submitted_at": _("Submitted"),
            "balance": _("Balance"),
            "status": _("Status"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Settlement
        fields = ["q", "status", "project"]


def export_columns() -> list[Column]:
    return [
        Column("Liquidación", 11),
        Column("Misión", 10),
        Column("Viajero", 28),
        Column("Proyecto", 12),
        Column("Estado", 30),
        Column("Regreso", 17, "datetime"),
        Column("Presentada", 17, "datetime"),
        Column("Viáticos reconocidos (USD)", 14, "money"),
        Column("Anticipo (USD)", 14, "money"),
        Column("Gastos terminales (USD)", 14, "money"),
        Column("Saldo (USD)", 14, "money"),
        Column("Saldo pagado el", 12, "date"),
        Column("Referencia", 20),
    ]


def export_rows(settlements):
    for s in settlements:
        yield [
            s.code,
            s.mission.code,
            display_name(s.mission.traveler),
            s.mission.project.code,
            str(s.get_status_display()),
            s.actual_return_at,
            s.submitted_at,
            s.viaticos_recognized,
            s.advance_amount,
            s.terminal_accepted,
            s.balance,
            s.balance_settled_on,
            s.balance_reference,
        ]


def receipt_export_columns() -> list[Column]:
    return [
        Column("Liquidación", 11),
        Column("Misión", 10),
        Column("Viajero", 28),
        Column("Fecha", 11, "date"),
        Column("Tipo", 18),
        Column("Categoría", 18),
        Column("Emisor", 30),
        Column("RUC / NIT del emisor", 16),
        Column("Número", 16),
        Column("Moneda", 8),
        Column("Importe", 13, "money"),
        Column("Importe (USD)", 13, "money"),
        Column("Decisión", 14),
        Column("Motivo", 30),
    ]


def receipt_export_rows(receipts):
    for r in receipts:
        yield [
            r.settlement.code,
            r.settlement.mission.code,
            display_name(r.settlement.mission.traveler),
            r.date,
            str(r.get_receipt_type_display()),
            str(r.get_category_display()),
            r.issuer_name,
            r.issuer_tax_id,
            r.number,
            r.currency,
            r.amount,
            r.amount_usd,
            str(r.get_decision_display()),
            r.decision_reason,
        ]


RECEIPT_EXPORTS = [
    ("receipts-csv", _("Export receipts CSV")),
    ("receipts-xlsx", _("Export receipts Excel")),
]


def export_response(request, settlements):
    """The settlements of a list page, or their receipts, as CSV or XLSX; None when no export
    is asked for."""
    return spreadsheets.export_response(
        request,
        basename="liquidaciones",
        title="Liquidaciones",
        columns=export_columns(),
        rows=lambda: export_rows(settlements),
    ) or spreadsheets.export_response(
        request,
        key="receipts",
        basename="comprobantes",
        title="Comprobantes",
        columns=receipt_export_columns(),
        rows=lambda: receipt_export_rows(selectors.receipts_of_settlements(settlements)),
    )
