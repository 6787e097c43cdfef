"""Pages of a proposed sanction (R-A1): the traveler answers it; the General Accountant
dismisses it (applying is views_deadlines.sanction_apply). Thin views over
deadlines.proposals."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deadlines import deduction_orders, proposals
from deadlines import selectors as dashboard
from deadlines.errors import DeadlinesError
from viaticos.errors import DomainError


@login_required
@require_POST
def sanction_answer(request, pk):
    sanction = dashboard.sanction_get_for_user(request.user, pk)
    if sanction.person_id != request.user.pk:
        raise PermissionDenied
    try:
        proposals.sanction_answer(
            actor=request.user, sanction=sanction, text=request.POST.get("answer", "")
        )
        messages.success(
            request, _("Your answer is on record: the General Accountant reads it before deciding.")
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("deadlines:sanction", pk=sanction.pk)


@login_required
@require_POST
def sanction_dismiss(request, pk):
    if not dashboard.can_decide(request.user):
        raise PermissionDenied
    sanction = dashboard.sanction_get_for_user(request.user, pk)
    try:
        proposals.sanction_dismiss(
            actor=request.user,
            sanction=sanction,
            reason=request.POST.get("reason", ""),
            today=timezone.localdate(),
        )
        messages.success(request, _("The proposal was dismissed."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("deadlines:sanction", pk=sanction.pk)


@login_required
@require_POST
def sanction_next_order(request, pk):
    """R-8b: the next payroll deduction of an applied sanction (deadlines.deduction_orders)."""
    if not dashboard.can_decide(request.user):
        raise PermissionDenied
    sanction = dashboard.sanction_get_for_user(request.user, pk)
    try:
        value = request.POST.get("amount", "").strip()
        try:
            amount = Decimal(value) if value else None
        except InvalidOperation:
            raise DomainError(
                DeadlinesError.INVALID_AMOUNT, _("Give the amount as a number."), field="amount"
            ) from None
        order = deduction_orders.deduction_order_next(
            actor=request.user, sanction=sanction, amount=amount, today=timezone.localdate()
        )
        messages.success(
            request,
            _("Deduction order %(code)s of %(amount)s USD goes to this month's payroll.")
            % {"code": order.code, "amount": order.amount},
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("deadlines:sanction", pk=sanction.pk)
