"""Search, filters and sorting of mission lists (issue 20), shared by the page, its exports and
the API (django-filter). The queryset handed in is already scoped to what the user may see."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from missions.models import Advance, Mission, Project
from viaticos.lists import ListFilter, amount_range, date_range
from viaticos.people import display_name


class MissionFilter(ListFilter):
    """The code (M-00012 or 12), the project, a destination or the purpose."""

    search_fields = (
        "project__code",
        "purpose",
        "legs__destination__name",
        "legs__destination__name_en",
    )
    code_prefixes = ("M-",)
    search_many = True

    status = django_filters.ChoiceFilter(choices=Mission.Status.choices, label=_("Status"))
    departure_from, departure_to = date_range(
        "departure_at", start=_("Departing from"), end=_("Departing until"), on_datetime=True
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


class AdvanceFilter(ListFilter):
    """Advances: the treasury queue, its export and the API."""

    search_fields = (
        "mission__traveler__first_name",
        "mission__traveler__last_name",
        "mission__traveler__username",
        "mission__project__code",
        "mission__legs__destination__name",
        "mission__legs__destination__name_en",
        "reference",
    )
    code_prefixes = ("A-",)
    search_many = True

    status = django_filters.ChoiceFilter(choices=Advance.Status.choices, label=_("Status"))
    project = django_filters.ModelChoiceFilter(
        field_name="mission__project",
        queryset=Project.objects.order_by("code"),
        label=_("Project"),
    )
    departure_from, departure_to = date_range(
        "mission__departure_at",
        start=_("Departing from"),
        end=_("Departing until"),
        on_datetime=True,
    )
    amount_min, amount_max = amount_range("amount")
    order = django_filters.OrderingFilter(
        fields=(
            ("mission__departure_at", "departure"),
            ("amount", "amount"),
            ("requested_at", "requested"),
            ("status", "status"),
        ),
        field_labels={
            "mission__departure_at": _("Departure"),
            "amount": _("Amount"),
            "requested_at": _("Requested"),
            "status": _("Status"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Advance
        fields = ["q", "status", "project"]


class ApprovalFilter(ListFilter):
    """The approver's inbox (missions and advances waiting for a decision): one search and the
    same filters on both kinds; each applies to the kind's own fields (an advance through its
    mission). The project is searched, not chosen from a list: the list would cost the page a
    query over its budget."""

    departure_from = django_filters.DateFilter(method="departing_from", label=_("Departing from"))
    departure_to = django_filters.DateFilter(method="departing_until", label=_("Departing until"))

    class Meta:
        model = Mission
        fields = ["q"]

    @staticmethod
    def _path(queryset) -> str:
        return "" if queryset.model is Mission else "mission__"

    def search(self, queryset, name, value):
        path = self._path(queryset)
        self.search_fields = tuple(
            f"{path}{field}"
            for field in (
                "traveler__first_name",
                "traveler__last_name",
                "traveler__username",
                "project__code",
                "purpose",
                "legs__destination__name",
            )
        )
        self.code_prefixes = ("M-",) if not path else ("A-",)
        self.search_many = True
        return super().search(queryset, name, value)

    def departing_from(self, queryset, name, value):
        return queryset.filter(**{f"{self._path(queryset)}departure_at__date__gte": value})

    def departing_until(self, queryset, name, value):
        return queryset.filter(**{f"{self._path(queryset)}departure_at__date__lte": value})


def advance_export_columns():
    from viaticos.spreadsheets import Column

    return [
        Column("Anticipo", 10),
        Column("Misión", 10),
        Column("Viajero", 28),
        Column("Proyecto", 12),
        Column("Destinos", 36),
        Column("Salida", 17, "datetime"),
        Column("Emergencia", 11),
        Column("Importe (USD)", 14, "money"),
        Column("Por devolver (USD)", 14, "money"),
        Column("Estado", 24),
        Column("Desembolsado el", 12, "date"),
        Column("Medio", 16),
        Column("Referencia", 20),
    ]


def advance_export_rows(advances):
    for a in advances:
        yield [
            a.code,
            a.mission.code,
            display_name(a.mission.traveler),
            a.mission.project.code,
            a.mission.destinations_label,
            a.mission.departure_at,
            "Sí" if a.priority else "No",
            a.amount,
            a.return_due_amount,
            str(a.get_status_display()),
            a.disbursed_on,
            str(a.get_method_display()) if a.method else "",
            a.reference,
        ]
