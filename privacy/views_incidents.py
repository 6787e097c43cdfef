"""R-S4 pages: any signed-in person reports an incident; the Oficial follows it, downloads the
report drafted from the record and sends it and the notices (privacy.incidents)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from privacy import incidents
from privacy.models import SecurityIncident
from viaticos.errors import DomainError
from viaticos.roles import Role, has_role


class IncidentReportForm(forms.Form):
    detected_at = forms.DateTimeField(
        label=gettext_lazy("When was it detected?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    nature = forms.CharField(
        label=gettext_lazy("What happened?"), widget=forms.Textarea, max_length=4000
    )
    data_categories = forms.CharField(
        label=gettext_lazy("Which personal data may be affected?"), max_length=300, required=False
    )
    people_affected = forms.IntegerField(
        label=gettext_lazy("How many people, approximately?"), min_value=0, initial=0
    )
    measures = forms.CharField(
        label=gettext_lazy("What has been done so far?"),
        widget=forms.Textarea,
        max_length=4000,
        required=False,
    )


@login_required
def incident_report(request):
    form = IncidentReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incidents.incident_report(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Thank you. The Oficial de Datos Personales and the deputy have been alerted."),
            )
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/incident_report.html", {"form": form}, status=status)


def _officer(request, *, write: bool = False):
    roles = (Role.PRIVACY_OFFICER,) if write else (Role.PRIVACY_OFFICER, Role.AUDITOR)
    if not has_role(request.user, *roles):
        raise Http404


@login_required
def incident_detail(request, pk: int):
    _officer(request)
    incident = get_object_or_404(SecurityIncident.objects.select_related("reported_by"), pk=pk)
    return render(
        request,
        "privacy/incident_detail.html",
        {
            "incident": incident,
            "communications": list(incident.communications.all()),
            "notice_text": incidents.subject_notice_text(incident),
            "affected_count": incident.affected_users.count(),
            "authority_email": incidents.authority_email_default(),
        },
    )


@login_required
def incident_report_pdf(request, pk: int):
    _officer(request)
    incident = get_object_or_404(SecurityIncident, pk=pk)
    response = HttpResponse(
        incidents.authority_report_pdf(incident), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="incidente-{incident.pk}.pdf"'
    return response


@login_required
@require_POST
def incident_send_authority(request, pk: int):
    _officer(request, write=True)
    get_object_or_404(SecurityIncident, pk=pk)
    try:
        incidents.incident_send_authority_report(
            actor=request.user, incident_id=pk, to=request.POST.get("to", ""), now=timezone.now()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The report was sent to the Authority and logged."))
    return redirect("privacy:incident", pk=pk)


@login_required
@require_POST
def incident_notify_subjects(request, pk: int):
    _officer(request, write=True)
    get_object_or_404(SecurityIncident, pk=pk)
    try:
        count = incidents.incident_notify_subjects(actor=request.user, incident_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Notices sent: %(count)s.") % {"count": count})
    return redirect("privacy:incident", pk=pk)
