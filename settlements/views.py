"""Thin HTML views: access through selectors, writes through services, errors as messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from missions.privacy import staff_access_log
from missions.selectors import mission_get_for_user
from settlements import access, documents, forms, selectors, services
from settlements.models import Settlement
from viaticos.errors import DomainError
from viaticos.pagination import paginate
from viaticos.pdf import pdf_response
from viaticos.roles import Role, has_role


def _context(request, settlement: Settlement) -> dict:
    """What the detail and the review page both show."""
    return {
        "settlement": settlement,
        "summary": selectors.settlement_summary(settlement),
        "actions": access.settlement_actions(request.user, settlement),
        "own": access.is_own(request.user, settlement),
        "general_documents": settlement.documents.filter(receipt__isnull=True),
    }


def _edit_forms(settlement: Settlement) -> dict:
    """The traveler's forms on the detail page (shown only while the settlement is editable)."""
    return {
        "times_form": forms.TimesForm(
            initial={
                "actual_departure_at": timezone.localtime(settlement.actual_departure_at).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "actual_return_at": timezone.localtime(settlement.actual_return_at).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
            }
        ),
        "document_form": forms.DocumentForm(auto_id="doc_%s"),  # ids unique on the page
        "receipt_form": forms.ReceiptForm(),
    }


@login_required
def settlement_list(request):
    mine = paginate(request, selectors.settlements_of_traveler(request.user))
    ready = selectors.missions_to_settle_page(request.user, page=request.GET.get("mpage"))
    return render(request, "settlements/list.html", {"settlements": mine, "ready_missions": ready})


@login_required
def inbox(request):
    if not has_role(request.user, Role.ACCOUNTING_ASSISTANT, Role.GENERAL_ACCOUNTANT, Role.AUDITOR):
        raise Http404
    return render(
        request,
        "settlements/inbox.html",
        {
            "to_receive": paginate(request, selectors.inbox_to_receive()),
            "to_review": paginate(request, selectors.inbox_to_review(), param="rpage"),
        },
    )


@login_required
def settlement_detail(request, pk):
    settlement = selectors.settlement_get_for_user(request.user, pk)
    context = _context(request, settlement)
    context["events"] = settlement.events.select_related("actor")
    if "edit" in context["actions"]:
        context.update(_edit_forms(settlement))
    return render(request, "settlements/detail.html", context)


@login_required
def settlement_review(request, pk):
    settlement = selectors.settlement_get_for_user(request.user, pk)
    if access.is_own(request.user, settlement):
        raise Http404
    context = _context(request, settlement)
    lines = context["summary"].lines
    fields = forms.review_fields(line.receipt.pk for line in lines)
    context["review_lines"] = [(line, fields[line.receipt.pk]) for line in lines]
    context["balance_form"] = forms.BalanceForm(initial={"on": timezone.localdate()})
    return render(request, "settlements/review.html", context)


@login_required
@xframe_options_sameorigin  # previewed beside the lines on the review page
def document_file(request, pk):
    """Files are served only through this access-checked view, never by the web server."""
    document = selectors.document_get_for_user(request.user, pk)
    stamped = request.GET.get("stamped") == "1"
    name = document.stamped_file if stamped else document.file
    if not name:
        raise Http404
    content_type = document.stamped_content_type if stamped else document.content_type
    staff_access_log(
        request,
        subject=document.settlement.mission.traveler,
        what=_("%(kind)s of settlement %(code)s")
        % {"kind": document.get_kind_display(), "code": document.settlement.code},
        record_key=f"settlements.document:{document.pk}",
    )
    from django.core.files.storage import default_storage

    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def settlement_bundle(request, pk):
    settlement = selectors.settlement_get_for_user(request.user, pk)
    try:
        pdf = documents.render_bundle(settlement)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("settlements:detail", pk=pk)
    staff_access_log(
        request,
        subject=settlement.mission.traveler,
        what=_("Stamped documents of settlement %(code)s") % {"code": settlement.code},
        record_key=f"settlements.settlement:{settlement.pk}",
    )
    return pdf_response(pdf, f"{settlement.code}-liquidado.pdf")


@login_required
def settlement_report(request, pk):
    settlement = selectors.settlement_get_for_user(request.user, pk)
    return pdf_response(documents.render_report(settlement), f"{settlement.code}.pdf")


@login_required
def recibo_egresos(request, pk):
    settlement = selectors.settlement_get_for_user(request.user, pk)
    if not access.is_own(request.user, settlement):
        raise Http404
    form = forms.ReciboForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Fill in the date, concept, currency and amount."))
        return redirect("settlements:detail", pk=pk)
    pdf = documents.render_recibo_for(settlement, **form.cleaned_data)
    return pdf_response(pdf, f"{settlement.code}-recibo-egresos.pdf")


@login_required
@require_POST
def settlement_start(request, mission_pk):
    mission = mission_get_for_user(request.user, mission_pk)
    try:
        settlement = services.settlement_start(actor=request.user, mission=mission)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("settlements:list")
    return redirect("settlements:detail", pk=settlement.pk)


def _run(request, form_class, act, success: str, back: str):
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(back)
    try:
        act(form.cleaned_data if form else {})
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(back)


@login_required
@require_POST
def settlement_action(request, pk, action):
    settlement = selectors.settlement_get_for_user(request.user, pk)
    user, today = request.user, timezone.localdate()
    detail = reverse("settlements:detail", args=[pk])
    review = reverse("settlements:review", args=[pk])
    table = {
        "times": (
            forms.TimesForm,
            lambda d: services.settlement_set_times(actor=user, settlement=settlement, **d),
            _("Actual times saved; the viáticos were recomputed."),
            detail,
        ),
        "document": (
            forms.DocumentForm,
            lambda d: services.settlement_attach_document(
                actor=user, settlement=settlement, kind=d["kind"], upload=d["file"]
            ),
            _("Document attached."),
            detail,
        ),
        "receipt": (
            forms.ReceiptForm,
            lambda d: services.receipt_add(
                actor=user,
                settlement=settlement,
                upload=d.pop("file"),
                **{k: v for k, v in d.items() if not (k == "call_detail" and v is None)},
            ),
            _("Receipt added."),
            detail,
        ),
        "submit": (
            None,
            lambda d: services.settlement_submit(actor=user, settlement=settlement),
            _("Settlement submitted to accounting."),
            detail,
        ),
        "receive": (
            None,
            lambda d: services.settlement_receive(actor=user, settlement=settlement, today=today),
            _('Settlement received; every document is stamped "Liquidado".'),
            review,
        ),
        "finish_review": (
            None,
            lambda d: services.settlement_review_finish(actor=user, settlement=settlement),
            _("Review finished."),
            review,
        ),
        "return": (
            forms.ReasonForm,
            lambda d: services.settlement_return(actor=user, settlement=settlement, **d),
            _("Settlement returned to the traveler."),
            review,
        ),
        "settle": (
            None,
            lambda d: services.settlement_settle(actor=user, settlement=settlement, today=today),
            _("Settlement settled."),
            review,
        ),
        "record_balance": (
            forms.BalanceForm,
            lambda d: services.settlement_record_balance(actor=user, settlement=settlement, **d),
            _("Balance recorded; the settlement is closed."),
            review,
        ),
    }
    if action not in table:
        raise Http404
    return _run(request, *table[action])


@login_required
@require_POST
def document_remove(request, pk):
    document = selectors.document_get_for_user(request.user, pk)
    user = request.user
    return _run(
        request,
        None,
        lambda d: services.settlement_document_remove(actor=user, document=document),
        _("Document removed."),
        reverse("settlements:detail", args=[document.settlement_id]),
    )


@login_required
@require_POST
def receipt_action(request, pk, action):
    receipt = selectors.receipt_get_for_user(request.user, pk)
    user = request.user
    detail = reverse("settlements:detail", args=[receipt.settlement_id])
    review = reverse("settlements:review", args=[receipt.settlement_id])
    table = {
        "remove": (
            None,
            lambda d: services.receipt_remove(actor=user, receipt=receipt),
            _("Receipt removed."),
            detail,
        ),
        "review": (
            forms.ReviewForm,
            lambda d: services.receipt_review(actor=user, receipt=receipt, **d),
            _("Line reviewed."),
            review,
        ),
        "approve_exception": (
            None,
            lambda d: services.receipt_exception_approve(actor=user, receipt=receipt),
            _("Exception approved (R-2h)."),
            review,
        ),
    }
    if action not in table:
        raise Http404
    return _run(request, *table[action])
