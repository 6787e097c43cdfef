"""The history of payments (issue 20): advances disbursed by Treasury and reimbursements paid
after a settlement, one list for Treasury, the Finance Director and the Auditor.

Both kinds are shaped into the same columns and joined by a SQL UNION, so the page sorts and
pages them together at a constant number of queries. The filters (django-filter, as in
missions.filters) are applied to each kind before the union.
"""

from __future__ import annotations

import django_filters
from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils.translation import gettext_lazy as _

from missions.models import Advance, Project
from settlements.models import Settlement, SettlementEvent
from viaticos.roles import Role

VIEWER_ROLES = (Role.TREASURY, Role.FINANCE_DIRECTOR, Role.AUDITOR)

ADVANCE, REIMBURSEMENT = "advance", "reimbursement"
KIND_CHOICES = [(ADVANCE, _("Advance")), (REIMBURSEMENT, _("Reimbursement"))]

COLUMNS = (
    "kind",
    "pk",
    "mission_id",
    "paid_on",
    "payee",
    "project_code",
    "amount_paid",
    "currency",
    "ref",
    "paid_by",
)
SORTS = {
    "date": ("paid_on", "pk"),
    "-date": ("-paid_on", "-pk"),
    "amount": ("amount_paid", "pk"),
    "-amount": ("-amount_paid", "-pk"),
    "payee": ("payee", "pk"),
    "-payee": ("-payee", "-pk"),
}
SORT_CHOICES = [
    ("-date", _("Date, newest first")),
    ("date", _("Date, oldest first")),
    ("-amount", _("Amount, largest first")),
    ("amount", _("Amount, smallest first")),
    ("payee", _("Payee, A to Z")),
    ("-payee", _("Payee, Z to A")),
]


def _name(prefix: str):
    """The person's full name, or their user name when none was entered (people.display_name)."""
    full = Trim(Concat(F(f"{prefix}first_name"), Value(" "), F(f"{prefix}last_name")))
    return Coalesce(NullIf(full, Value("")), F(f"{prefix}username"), output_field=CharField())


class PaymentFilter(django_filters.FilterSet):
    """The same filters for both kinds; each method maps to the kind's own fields."""

    q = django_filters.CharFilter(method="search", label=_("Payee or reference"))
    kind = django_filters.ChoiceFilter(choices=KIND_CHOICES, method="of_kind", label=_("Kind"))
    paid_from = django_filters.DateFilter(method="paid_from_on", label=_("Paid from"))
    paid_to = django_filters.DateFilter(method="paid_until", label=_("Paid until"))
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.order_by("code"), method="of_project", label=_("Project")
    )
    order = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="keep", label=_("Sort by"), empty_label=None
    )

    def _is_advance(self, queryset) -> bool:
        return queryset.model is Advance

    def _date(self, queryset) -> str:
        return "disbursed_on" if self._is_advance(queryset) else "balance_settled_on"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        reference = "reference" if self._is_advance(queryset) else "balance_reference"
        match = Q(**{f"{reference}__icontains": value})
        for part in ("first_name", "last_name", "username"):
            match |= Q(**{f"mission__traveler__{part}__icontains": value})
        return queryset.filter(match)

    def of_kind(self, queryset, name, value):
        wanted = ADVANCE if self._is_advance(queryset) else REIMBURSEMENT
        return queryset if value == wanted else queryset.none()

    def paid_from_on(self, queryset, name, value):
        return queryset.filter(**{f"{self._date(queryset)}__gte": value})

    def paid_until(self, queryset, name, value):
        return queryset.filter(**{f"{self._date(queryset)}__lte": value})

    def of_project(self, queryset, name, value):
        return queryset.filter(mission__project=value)

    def keep(self, queryset, name, value):
        return queryset  # the sort is applied to the union (payments_page)


def _advances() -> QuerySet:
    return (
        Advance.objects.filter(disbursed_at__isnull=False)
        .annotate(
            kind=Value(ADVANCE, output_field=CharField()),
            paid_on=F("disbursed_on"),
            payee=_name("mission__traveler__"),
            project_code=F("mission__project__code"),
            amount_paid=F("amount"),
            currency=Value("USD", output_field=CharField()),
            ref=F("reference"),
            paid_by=_name("disbursed_by__"),
        )
        .order_by()
    )


def _reimbursements() -> QuerySet:
    recorded_by = SettlementEvent.objects.filter(
        settlement=OuterRef("pk"), action=SettlementEvent.Action.BALANCE_RECORDED
    ).order_by("-at", "-pk")
    return (
        Settlement.objects.filter(balance_reimbursed__gt=0, balance_settled_on__isnull=False)
        .annotate(
            kind=Value(REIMBURSEMENT, output_field=CharField()),
            paid_on=F("balance_settled_on"),
            payee=_name("mission__traveler__"),
            project_code=F("mission__project__code"),
            amount_paid=F("balance_reimbursed"),
            currency=Value("USD", output_field=CharField()),
            ref=F("balance_reference"),
            paid_by=Subquery(
                recorded_by.annotate(name=_name("actor__")).values("name")[:1],
                output_field=CharField(),
            ),
        )
        .order_by()
    )


def payments(params) -> tuple[PaymentFilter, QuerySet]:
    """The filter (for its form) and the payments it selects, sorted: rows are dicts of
    COLUMNS. Two queries for a page of it: the count and the rows."""
    found = PaymentFilter(params, queryset=_advances())
    if not found.is_valid():
        return found, _advances().none().values(*COLUMNS)
    advances = found.filter_queryset(_advances()).values(*COLUMNS)
    # The same validated filters on the other kind: each method maps to the kind's fields.
    reimbursements = found.filter_queryset(_reimbursements()).values(*COLUMNS)
    order = found.form.cleaned_data.get("order") or "-date"
    return found, advances.union(reimbursements, all=True).order_by(*SORTS[order])


def export_columns():
    from viaticos.spreadsheets import Column

    return [
        Column("Fecha de pago", 12, "date"),
        Column("Tipo", 14),
        Column("Beneficiario", 30),
        Column("Proyecto", 12),
        Column("Importe", 14, "money"),
        Column("Moneda", 8),
        Column("Referencia", 22),
        Column("Pagado por", 26),
    ]


def export_rows(rows):
    labels = dict(KIND_CHOICES)
    for row in rows:
        yield [
            row["paid_on"],
            str(labels[row["kind"]]),
            row["payee"],
            row["project_code"],
            row["amount_paid"],
            row["currency"],
            row["ref"],
            row["paid_by"] or "",
        ]
