"""Pages of a proposed sanction (R-A1): the traveler answers it; the General Accountant
dismisses it (applying is views_deadlines.sanction_apply). Thin views over
settlements.sanction_proposals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from settlements import dashboard, sanction_proposals
from viaticos.errors import DomainError


@login_required
@require_POST
def sanction_answer(request, pk):
    sanction = dashboard.sanction_get_for_user(request.user, pk)
    if sanction.person_id != request.user.pk:
        raise PermissionDenied
    try:
        sanction_proposals.sanction_answer(
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
        sanction_proposals.sanction_dismiss(
            actor=request.user,
            sanction=sanction,
            reason=request.POST.get("reason", ""),
            today=timezone.localdate(),
        )
        messages.success(request, _("The proposal was dismissed."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("deadlines:sanction", pk=sanction.pk)
