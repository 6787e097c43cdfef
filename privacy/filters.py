"""Search, filters and sorting of the ARCO queue (issue 20): the Privacy Officer's page, its
exports and the API list (viaticos.lists)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from privacy.models import ArcoRequest
from viaticos.lists import ListFilter, date_range
from viaticos.spreadsheets import Column


class ArcoFilter(ListFilter):
    search_fields = ("full_name", "representative_name", "tracking_code", "email")

    right = django_filters.ChoiceFilter(choices=ArcoRequest.Right.choices, label=_("Right"))
    status = django_filters.ChoiceFilter(choices=ArcoRequest.Status.choices, label=_("Status"))
    received_from, received_to = date_range(
        "received_on", start=_("Received from"), end=_("Received until")
    )
    order = django_filters.OrderingFilter(
        fields=(("effective_due", "due"), ("received_on", "received"), ("full_name", "name")),
        field_labels={
            "effective_due": _("Due date"),
            "received_on": _("Received on"),
            "full_name": _("Requester"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = ArcoRequest
        fields = ["q", "right", "status"]


def export_columns() -> list[Column]:
    return [
        Column("Código de seguimiento", 22),
        Column("Derecho", 22),
        Column("Solicitante", 30),
        Column("Representante", 26),
        Column("Canal", 10),
        Column("Recibida el", 12, "date"),
        Column("Vence el", 12, "date"),
        Column("Estado", 30),
        Column("Cerrada el", 12, "date"),
        Column("Resultado", 14),
    ]


def export_rows(requests):
    for r in requests:
        yield [
            r.tracking_code,
            str(r.get_right_display()),
            r.full_name,
            r.representative_name,
            str(r.get_channel_display()),
            r.received_on,
            r.effective_due,
            str(r.get_status_display()),
            r.closed_on,
            str(r.get_outcome_display()) if r.outcome else "",
        ]
