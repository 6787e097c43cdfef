"""*Mi cuenta* → dependants for repatriation (viaticos.dependants)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from viaticos import dependants
from viaticos.errors import DomainError
from viaticos.models import Dependant
from viaticos.types import AuthenticatedHttpRequest


class DependantForm(forms.Form):
    relationship = forms.ChoiceField(
        label=gettext_lazy("Relationship"), choices=Dependant.Relationship.choices
    )
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=200)
    birth_date = forms.DateField(
        label=gettext_lazy("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    email = forms.EmailField(label=gettext_lazy("Their own e-mail (14 or older)"), required=False)
    emergency_phone = forms.CharField(
        label=gettext_lazy("Emergency phone"), max_length=40, required=False
    )
    guardian_consent = forms.BooleanField(
        label=gettext_lazy(
            "For a child under 14: as parent or guardian, I consent to these data being kept "
            "for repatriation in an emergency."
        ),
        required=False,
    )


def _page(request: AuthenticatedHttpRequest, form: forms.Form, status: int = 200) -> HttpResponse:
    return render(
        request,
        "viaticos/dependants.html",
        {
            "collected": dependants.collected(),
            "dependants": list(Dependant.objects.filter(traveler=request.user)),
            "form": form,
        },
        status=status,
    )


@login_required
def dependant_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, DependantForm())
    form = DependantForm(request.POST)
    if form.is_valid():
        try:
            dependants.dependant_add(
                actor=request.user, today=timezone.localdate(), **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Dependant recorded."))
            return redirect("dependants")
    return _page(request, form, status=400)


@login_required
@require_POST
def dependant_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        dependants.dependant_remove(actor=request.user, dependant_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Dependant removed, with the record of their data."))
    return redirect("dependants")
