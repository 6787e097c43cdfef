"""Proactive accountability (Reglamento D.S. 016-2024-JUS): one page, printable as a PDF, that
shows what the organization has in place: the Oficial's designation, the registers, the impact
assessments, the security document, incidents and ARCO requests of the last twelve months."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from privacy import selectors
from privacy.models import (
    ArcoRequest,
    DataBank,
    ImpactAssessment,
    Processor,
    SecurityDocument,
    SecurityIncident,
    Transfer,
)
from viaticos import pdf
from viaticos.roles import Role, has_role


def compliance_context(today: dt.date) -> dict:
    since = today - dt.timedelta(days=365)
    recent = list(SecurityIncident.objects.filter(detected_at__date__gte=since)[:500])
    incidents = {
        "total": len(recent),
        # Told the Authority late (after 48 hours) or not yet although it had to be.
        "late": sum(
            1
            for i in recent
            if i.notification_required
            and (i.authority_notified_at is None or i.authority_notified_at > i.notify_by)
        ),
    }
    return {
        "today": today,
        "designation": selectors.officer_designation(today),
        "banks": list(DataBank.objects.order_by("name")),
        "processor_count": Processor.objects.count(),
        "transfers": list(Transfer.objects.order_by("recipient")),
        "assessments": list(ImpactAssessment.objects.all()[:50]),
        "security_document": SecurityDocument.objects.first(),
        "incidents": incidents,
        "arco": ArcoRequest.objects.filter(received_on__gte=since).aggregate(
            total=Count("pk"), open=Count("pk", filter=Q(status__in=ArcoRequest.OPEN_STATUSES))
        ),
    }


def _officer(request):
    if not has_role(request.user, Role.PRIVACY_OFFICER, Role.AUDITOR):
        raise Http404


@login_required
def compliance_page(request):
    _officer(request)
    return render(request, "privacy/compliance.html", compliance_context(timezone.localdate()))


@login_required
def compliance_pdf(request):
    _officer(request)
    content = pdf.render_pdf(
        "privacy/pdf/compliance.html", compliance_context(timezone.localdate()), language="es"
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="cumplimiento.pdf"'
    return response
