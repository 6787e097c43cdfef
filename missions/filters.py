"""Search, filters and sorting of mission lists (issue 20), shared by the page, its exports and
the API (django-filter). The queryset handed in is already scoped to what the user may see."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from missions.models import Mission


class MissionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=Mission.Status.choices, label=_("Status"))
    departure_from = django_filters.DateFilter(
        field_name="departure_at", lookup_expr="date__gte", label=_("Departing from")
    )
    departure_to = django_filters.DateFilter(
        field_name="departure_at", lookup_expr="date__lte", label=_("Departing until")
    )
    order = django_filters.OrderingFilter(
        fields=(("departure_at", "departure"), ("planned_total", "amount"), ("status", "status")),
        field_labels={
            "departure_at": _("Departure"),
            "planned_total": _("Per diem"),
            "status": _("Status"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Mission
        fields = ["q", "status", "departure_from", "departure_to"]

    def search(self, queryset, name, value):
        """The code (M-00012 or 12), the project, a destination or the purpose."""
        value = value.strip()
        digits = value.upper().removeprefix("M-").lstrip("0")
        match = (
            Q(project__code__icontains=value)
            | Q(purpose__icontains=value)
            | Q(legs__destination__name__icontains=value)
            | Q(legs__destination__name_en__icontains=value)
        )
        if digits.isdigit():
            match |= Q(pk=int(digits))
        return queryset.filter(match).distinct()


def export_rows(missions):
    for m in missions:
        yield [
            m.code,
            m.project.code,
            m.get_kind_display(),
            m.destinations_label,
            m.departure_at,
            m.return_at,
            m.planned_total,
            m.get_status_display(),
        ]


def export_columns():
    from viaticos.spreadsheets import Column

    return [
        Column("Misión", 10),
        Column("Proyecto", 12),
        Column("Tipo", 22),
        Column("Destinos", 36),
        Column("Salida", 17, "datetime"),
        Column("Regreso", 17, "datetime"),
        Column("Viáticos previstos (USD)", 14, "money"),
        Column("Estado", 22),
    ]
