"""Thin HTML views: access through selectors, writes through services, errors as messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from missions.privacy import staff_access_log
from missions.selectors import mission_get_for_user
from settlements import access, built, documents, forms, ledger, selectors, services
from settlements import filters as settlement_filters
from settlements.filters import SettlementFilter
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
        "owed_now": ledger.settlement_owed(settlement, today=timezone.localdate()),
        "actions": access.settlement_actions(request.user, settlement),
        "own": access.is_own(request.user, settlement),
        "general_documents": settlement.documents.filter(receipt__isnull=True),
    }


def _edit_forms(settlement: Settlement, bound: dict, edit: int | None) -> dict:
    """The traveler's forms on the detail page (shown only while the settlement is editable).

    `bound` holds the forms of a request that failed, by name (and `receipt<pk>`), so that the
    page comes back with everything the traveler typed (issue 19)."""
    times = bound.get("times") or forms.TimesForm(
        initial={
            "actual_departure_at": timezone.localtime(settlement.actual_departure_at).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "actual_return_at": timezone.localtime(settlement.actual_return_at).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        }
    )
    drafts = selectors.settlement_drafts(settlement)
    receipt_forms = {
        line.receipt.pk: bound.get(f"receipt{line.receipt.pk}")
        or forms.ReceiptEditForm.for_receipt(line.receipt)
        for line in drafts
    }
    editing = None
    if edit is not None:
        receipt = settlement.receipts.filter(pk=edit, draft=False).first()
        if receipt is not None:
            editing = bound.get(f"receipt{edit}") or forms.ReceiptEditForm.for_receipt(receipt)
    return {
        "times_form": times,
        # ids unique on the page
        "document_form": bound.get("document") or forms.DocumentForm(auto_id="doc_%s"),
        "upload_form": bound.get("upload") or forms.UploadForm(auto_id="up_%s"),
        "drafts": [(line, receipt_forms[line.receipt.pk]) for line in drafts],
        "editing": editing,
    }


def _detail_page(request, settlement: Settlement, *, bound=None, edit=None, status=200):
    context = _context(request, settlement)
    context["events"] = settlement.events.select_related("actor")
    lines = context["summary"].lines
    notes = selectors.tax_id_findings([line.receipt for line in lines])
    context["receipt_lines"] = [(line, notes.get(line.receipt.pk)) for line in lines]
    if "edit" in context["actions"]:
        context.update(_edit_forms(settlement, bound or {}, edit))
    return render(request, "settlements/detail.html", context, status=status)


@login_required
def settlement_list(request):
    found = SettlementFilter(request.GET, queryset=selectors.settlements_of_traveler(request.user))
    exported = settlement_filters.export_response(request, found.qs)
    if exported:
        return exported
    mine = paginate(request, found.qs)
    owed = ledger.settlements_owed(mine.object_list, today=timezone.localdate())
    for settlement in mine.object_list:
        settlement.owed_now = owed[settlement.pk]
        settlement.owed_now_abs = abs(settlement.owed_now)
    ready = selectors.missions_to_settle_page(request.user, page=request.GET.get("mpage"))
    return render(
        request,
        "settlements/list.html",
        {
            "settlements": mine,
            "ready_missions": ready,
            "filter": found,
            "exports": settlement_filters.RECEIPT_EXPORTS,
        },
    )


@login_required
def inbox(request):
    if not has_role(request.user, Role.ACCOUNTING_ASSISTANT, Role.GENERAL_ACCOUNTANT, Role.AUDITOR):
        raise Http404
    found = SettlementFilter(request.GET, queryset=selectors.inbox_all())
    exported = settlement_filters.export_response(request, found.qs)
    if exported:
        return exported
    to_receive = SettlementFilter(request.GET, queryset=selectors.inbox_to_receive()).qs
    to_review = SettlementFilter(request.GET, queryset=selectors.inbox_to_review()).qs
    return render(
        request,
        "settlements/inbox.html",
        {
            "to_receive": paginate(request, to_receive),
            "to_review": paginate(request, to_review, param="rpage"),
            "filter": found,
            "exports": settlement_filters.RECEIPT_EXPORTS,
        },
    )


@login_required
def settlement_detail(request, pk):
    settlement = selectors.settlement_get_for_user(request.user, pk)
    edit = request.GET.get("editar")
    return _detail_page(request, settlement, edit=int(edit) if (edit or "").isdigit() else None)


def _review_page(request, settlement, *, bound=None, status=200):
    """The review page; `bound` is a line's review form that was refused, shown again with
    what the accountant chose and typed."""
    context = _context(request, settlement)
    lines = context["summary"].lines
    fields = forms.review_fields(line.receipt for line in lines)
    if bound is not None:
        fields[bound.receipt_pk] = render_to_string(
            "settlements/_review_fields.html", {"form": bound}
        )
    context["review_lines"] = [(line, fields[line.receipt.pk]) for line in lines]
    context["perdiem_rows"] = selectors.perdiem_review(settlement)  # R-7i, planned beside actual
    context["pending_lines"] = sum(
        1 for line in lines if line.receipt.decision == line.receipt.Decision.PENDING
    )
    context["balance_form"] = forms.BalanceForm(initial={"on": timezone.localdate()})
    return render(request, "settlements/review.html", context, status=status)


@login_required
def settlement_review(request, pk):
    settlement = selectors.settlement_get_for_user(request.user, pk)
    if access.is_own(request.user, settlement):
        raise Http404
    return _review_page(request, settlement)


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
        pdf = built.built_pdf(settlement, built.Kind.BUNDLE)
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
    return pdf_response(built.built_pdf(settlement, built.Kind.REPORT), f"{settlement.code}.pdf")


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


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _balance_oob(settlement: Settlement) -> dict:
    """The balance panel, swapped out of band by htmx next to a line just decided."""
    return {
        "settlement": settlement,
        "summary": selectors.settlement_summary(settlement),
        "owed_now": ledger.settlement_owed(settlement, today=timezone.localdate()),
        "balance_oob": True,
    }


def _review_line(request, receipt, *, form=None, saved=False):
    """One receipt line of the review page, as htmx swaps it in place after a decision (the
    decision saved, or the form as sent with the reason it was refused)."""
    settlement = Settlement.objects.select_related("mission").get(pk=receipt.settlement_id)
    context = _balance_oob(settlement)
    line = context["summary"].line_for(receipt.pk)
    context |= {
        "line": line,
        "review_fields": forms.review_fields_of(line.receipt, form),
        "actions": access.settlement_actions(request.user, settlement),
        "saved": saved,
    }
    context["template"] = "settlements/_review_line.html"
    return render(request, "settlements/_review_fragment.html", context)


def _perdiem_line(request, settlement):
    """R-7i: the decision on one per-diem line. Without JavaScript, back to the line on the
    review page; with htmx, the line alone, showing the decision saved (issue 20)."""
    form = forms.PerDiemLineForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.perdiem_line_review(
                actor=request.user, settlement=settlement, **form.cleaned_data
            )
        except DomainError as refused:
            error = refused.message
    else:
        error = " ".join(" ".join(errors) for errors in form.errors.values())
    key = (form.cleaned_data.get("date"), form.cleaned_data.get("concept"))
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Per-diem line reviewed (R-7i)."))
        anchor = f"#perdiem-{key[0]:%Y-%m-%d}-{key[1]}" if None not in key else ""
        return redirect(reverse("settlements:review", args=[settlement.pk]) + anchor)
    rows = selectors.perdiem_review(settlement)
    row = next((r for r in rows if (r.date, r.concept) == key), None)
    if row is None:
        return HttpResponse(error or "", status=400)
    context = _balance_oob(Settlement.objects.select_related("mission").get(pk=settlement.pk))
    context |= {
        "row": row,
        "actions": access.settlement_actions(request.user, settlement),
        "saved": error is None,
        "error": error,
    }
    context["template"] = "settlements/_perdiem_review_row.html"
    return render(request, "settlements/_review_fragment.html", context)


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


def _on_page(request, settlement, key: str, form, act, success: str, *, edit=None, anchor=""):
    """A traveler's form of the detail page: done, back to the page; refused, the page again
    with the form as it was sent and the reason next to the field (nothing typed is lost)."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(request, success)
            return redirect(reverse("settlements:detail", args=[settlement.pk]) + anchor)
    return _detail_page(request, settlement, bound={key: form}, edit=edit, status=400)


def _upload(request, settlement: Settlement):
    """Upload first: every file becomes a draft line on its own, so one refused file (too
    large, already used) does not lose the others."""
    form = forms.UploadForm(request.POST, request.FILES, auto_id="up_%s")
    if not form.is_valid():
        return _detail_page(request, settlement, bound={"upload": form}, status=400)
    stored = 0
    for upload in form.cleaned_data["uploads"]:
        try:
            services.receipt_upload(actor=request.user, settlement=settlement, upload=upload)
        except DomainError as error:
            messages.error(request, f"{upload.name}: {error.message}")
        else:
            stored += 1
    if stored:
        messages.success(
            request,
            ngettext(
                "%(count)d receipt uploaded: check what was read and confirm it.",
                "%(count)d receipts uploaded: check what was read and confirm each one.",
                stored,
            )
            % {"count": stored},
        )
    return redirect(reverse("settlements:detail", args=[settlement.pk]) + "#drafts")


@login_required
@require_POST
def settlement_action(request, pk, action):
    settlement = selectors.settlement_get_for_user(request.user, pk)
    user, today = request.user, timezone.localdate()
    if action == "times":
        return _on_page(
            request,
            settlement,
            "times",
            forms.TimesForm(request.POST),
            lambda d: services.settlement_set_times(actor=user, settlement=settlement, **d),
            _("Actual times saved; the viáticos were recomputed."),
        )
    if action == "document":
        return _on_page(
            request,
            settlement,
            "document",
            forms.DocumentForm(request.POST, request.FILES, auto_id="doc_%s"),
            lambda d: services.settlement_attach_document(
                actor=user, settlement=settlement, kind=d["kind"], upload=d["file"]
            ),
            _("Document attached."),
        )
    if action == "upload":
        return _upload(request, settlement)
    if action == "perdiem_line":
        return _perdiem_line(request, settlement)
    detail = reverse("settlements:detail", args=[pk])
    review = reverse("settlements:review", args=[pk])
    table = {
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
            _('Settlement received; its documents are being stamped "Liquidado".'),
            review,
        ),
        "stamp_again": (
            None,
            lambda d: services.settlement_stamp_again(
                actor=user, settlement=settlement, today=today
            ),
            _("Stamping started again."),
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
            _("Settlement approved."),
            review,
        ),
        "accept_remaining": (
            None,
            lambda d: services.receipts_accept_remaining(actor=user, settlement=settlement),
            _("Every line not yet decided was accepted; decided lines stay as they were."),
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
    try:
        services.document_remove(actor=request.user, document=document)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Document removed."))
    return redirect("settlements:detail", pk=document.settlement_id)


@login_required
@require_POST
def receipt_action(request, pk, action):
    receipt = selectors.receipt_get_for_user(request.user, pk)
    user = request.user
    if action == "change":
        form = forms.ReceiptEditForm.for_receipt(receipt, request.POST, request.FILES)

        def change(data):
            upload, call_detail = data.pop("file"), data.pop("call_detail")
            services.receipt_change(
                actor=user, receipt=receipt, upload=upload, call_detail=call_detail, **data
            )

        return _on_page(
            request,
            receipt.settlement,
            f"receipt{receipt.pk}",
            form,
            change,
            _("Receipt confirmed.") if receipt.draft else _("Receipt changed."),
            edit=None if receipt.draft else receipt.pk,
            anchor=f"#receipt-{receipt.pk}",
        )
    detail = reverse("settlements:detail", args=[receipt.settlement_id])
    review = reverse("settlements:review", args=[receipt.settlement_id])
    if action == "review":
        # Without JavaScript: back to the line on the page; with htmx: the line alone, in place.
        form = forms.review_form_of(receipt, request.POST)
        htmx = _is_htmx(request)
        if form.is_valid():
            try:
                services.receipt_review(actor=user, receipt=receipt, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                if not htmx:
                    messages.error(request, error.message)
            else:
                if htmx:
                    return _review_line(request, receipt, saved=True)
                messages.success(request, _("Line reviewed."))
                return redirect(f"{review}#line-{receipt.pk}")
        if access.is_own(user, receipt.settlement):
            raise Http404
        if htmx:  # htmx swaps only 2xx answers: the refused form comes back in place
            return _review_line(request, receipt, form=form)
        return _review_page(request, receipt.settlement, bound=form, status=400)
    table = {
        "remove": (
            None,
            lambda d: services.receipt_remove(actor=user, receipt=receipt),
            _("Receipt removed."),
            detail,
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
