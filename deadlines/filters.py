"""Search, filters and sorting of sanctions (issue 20): the sanctions page, its exports and the
API list (viaticos.lists). The queryset handed in is deadlines.selectors.sanctions_visible_to:
the person's own sanctions, or all of them for the General Accountant and the Auditor."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from deadlines.models import Sanction
from missions.models import Advance
from viaticos.lists import ListFilter, amount_range, date_range
from viaticos.people import display_name
from viaticos.spreadsheets import Column


class SanctionFilter(ListFilter):
    search_fields = (
        "person__first_name",
        "person__last_name",
        "person__username",
        "entity_name",
        "reason",
    )
    code_prefixes = ("S-",)

    kind = django_filters.ChoiceFilter(choices=Sanction.Kind.choices, label=_("Kind"))
    state = django_filters.ChoiceFilter(choices=Sanction.State.choices, label=_("Status"))
    proposed_from, proposed_to = date_range(
        "proposed_on", start=_("Proposed from"), end=_("Proposed until")
    )
    amount_min, amount_max = amount_range("amount")
    order = django_filters.OrderingFilter(
        fields=(("proposed_on", "proposed"), ("amount", "amount"), ("state", "status")),
        field_labels={
            "proposed_on": _("Proposed on"),
            "amount": _("Amount"),
            "state": _("Status"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Sanction
        fields = ["q", "kind", "state"]


def export_columns() -> list[Column]:
    return [
        Column("Sanción", 10),
        Column("Tipo", 40),
        Column("Persona", 28),
        Column("Misión", 10),
        Column("Anticipo", 10),
        Column("Entidad", 24),
        Column("Importe (USD)", 14, "money"),
        Column("Días de suspensión", 10, "int"),
        Column("Estado", 12),
        Column("Propuesta el", 12, "date"),
        Column("Aplicada el", 12, "date"),
        Column("Levantada el", 12, "date"),
        Column("Fundamento", 40),
    ]


def export_rows(sanctions):
    for s in sanctions:
        yield [
            s.code,
            str(s.get_kind_display()),
            display_name(s.person),
            s.mission.code if s.mission_id else "",
            s.advance.code if s.advance_id else "",
            s.entity_name,
            s.amount,
            s.suspension_days,
            str(s.get_state_display()),
            s.proposed_on,
            s.applied_on,
            s.lifted_on,
            s.reason,
        ]


class OutstandingFilter(ListFilter):
    """The General Accountant's worklist of advances pending settlement: who or which project
    (searched: a project list would cost the page a query over its budget), back when. Its
    order is fixed (the most late first), as its chart's."""

    search_fields = (
        "mission__traveler__first_name",
        "mission__traveler__last_name",
        "mission__traveler__username",
        "mission__project__code",
    )
    code_prefixes = ("A-",)

    returned_from, returned_to = date_range(
        "mission__return_at", start=_("Back from"), end=_("Back until"), on_datetime=True
    )

    class Meta:
        model = Advance
        fields = ["q"]


def outstanding_export_columns() -> list[Column]:
    return [
        Column("Anticipo", 10),
        Column("Misión", 10),
        Column("Viajero", 28),
        Column("Proyecto", 12),
        Column("Regreso", 17, "datetime"),
        Column("Vence el", 12, "date"),
        Column("Días hábiles de atraso", 10, "int"),
        Column("Adeudado (USD)", 14, "money"),
        Column("Tramo", 26),
        Column("Requerimiento", 12),
        Column("Orden de descuento", 14),
    ]


def outstanding_export_rows(deadlines, labels: dict[str, str]):
    for d in deadlines:
        yield [
            d.advance.code,
            d.advance.mission.code,
            display_name(d.advance.mission.traveler),
            d.advance.mission.project.code,
            d.advance.mission.return_at,
            d.due_date,
            d.days_late,
            d.amount,
            str(labels.get(d.position.bucket, "")),
            d.requirement.code if d.requirement else "",
            d.order.code if d.order else "",
        ]
