"""*Mi cuenta* → bank data: the holder sees it masked and asks for a change; the General
Administrator or the Finance Director approves (viaticos.bank_changes)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from viaticos import bank_changes
from viaticos.errors import DomainError
from viaticos.models import BankDetailsChange, TravelerProfile
from viaticos.types import AuthenticatedHttpRequest


class BankChangeForm(forms.Form):
    bank_name = forms.CharField(label=gettext_lazy("Bank"), max_length=100)
    bank_account = forms.CharField(label=gettext_lazy("New account number"), max_length=40)


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note (required to reject)"), max_length=300, required=False
    )


def _page(request: AuthenticatedHttpRequest, form: forms.Form, status: int = 200) -> HttpResponse:
    profile = TravelerProfile.objects.filter(user=request.user).first()
    changes = list(profile.bank_changes.select_related("decided_by")[:20]) if profile else []
    response = render(
        request,
        "viaticos/bank_data.html",
        {
            "profile": profile,
            "changes": changes,
            "pending": any(c.status == BankDetailsChange.Status.PENDING for c in changes),
            "form": form,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
def bank_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, BankChangeForm())
    form = BankChangeForm(request.POST)
    if form.is_valid():
        try:
            bank_changes.bank_change_request(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Change requested. It applies once the General Administrator or the Finance "
                    "Director approves it; we wrote to your e-mail address."
                ),
            )
            return redirect("bank-data")
    return _page(request, form, status=400)


def _approver(request: AuthenticatedHttpRequest) -> None:
    if not bank_changes.may_approve(request.user):
        raise PermissionDenied


@login_required
def bank_approvals(request: AuthenticatedHttpRequest) -> HttpResponse:
    _approver(request)
    pending = (
        BankDetailsChange.objects.filter(status=BankDetailsChange.Status.PENDING)
        .exclude(profile__user=request.user)
        .select_related("profile__user")
        .order_by("requested_at")[:100]
    )
    return render(
        request, "viaticos/bank_approvals.html", {"pending": pending, "form": DecisionForm()}
    )


@login_required
@require_POST
def bank_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _approver(request)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        bank_changes.bank_change_decide(
            actor=request.user,
            change_id=pk,
            approve=request.POST.get("decision") == "approve",
            note=form.cleaned_data.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("bank-approvals")
    messages.success(request, _("Decision recorded; the holder was told."))
    return redirect("bank-approvals")
