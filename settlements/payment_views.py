"""Pagos: the history of payments for Treasury, the Finance Director and the Auditor (issue 20)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from settlements import payments
from viaticos import spreadsheets
from viaticos.pagination import paginate
from viaticos.roles import has_role


@login_required
def payment_list(request):
    """Advances disbursed and reimbursements paid: filters, sorting, pages and exports; read
    only (payments are recorded on the disbursement queue and the settlement)."""
    if not has_role(request.user, *payments.VIEWER_ROLES):
        raise PermissionDenied
    found, rows = payments.payments(request.GET)
    exported = spreadsheets.export_response(
        request,
        basename="pagos",
        title="Pagos",
        columns=payments.export_columns(),
        rows=payments.export_rows(rows),
    )
    if exported:
        return exported
    page = paginate(request, rows)
    return render(
        request,
        "settlements/payments.html",
        {"page_obj": page, "filter": found, "kinds": dict(payments.KIND_CHOICES)},
    )
