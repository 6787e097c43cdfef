"""HTML pages of the privacy app: thin, over services and selectors."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from privacy import clock, documents, ratelimit, rules, selectors, services, subjects
from privacy import filters as arco_filters
from privacy.filters import ArcoFilter
from privacy.forms import (
    RIGHT_HELP,
    AcknowledgementForm,
    AnswerForm,
    ArcoRequestForm,
    CorrectionForm,
    ExtendForm,
    IntakeForm,
    ObserveForm,
    RectifyForm,
    RefuseForm,
    ReviewDecisionForm,
    TrackingForm,
    VerifyIdentityForm,
)
from privacy.models import (
    ArcoAttachment,
    ArcoRequest,
    Channel,
    DataBank,
    PrivacyNotice,
    Processor,
    Purpose,
    SecurityIncident,
    Transfer,
)
from viaticos import crypto, spreadsheets
from viaticos.errors import DomainError
from viaticos.models import Organization
from viaticos.pagination import paginate
from viaticos.pdf import pdf_response
from viaticos.roles import Role, has_role
from viaticos.rules_registry import enforces

SESSION_FILED = "privacy_arco_filed"


def _ip(request):
    return ratelimit.client_address(request)


def _ua(request):
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def _too_many(request, template, context, scope):
    context["rate_limited"] = ratelimit.message(scope)
    return render(request, template, context, status=429)


# --- public: notice (R-P1) ---


def notice(request, version: str | None = None):
    current = selectors.notice_current()
    shown = get_object_or_404(PrivacyNotice, version=version) if version else current
    if shown is None:
        raise Http404
    return render(
        request,
        "privacy/notice.html",
        {
            "notice": shown,
            "current": current,
            "versions": PrivacyNotice.objects.order_by("-effective_on"),
            "organization": Organization.current(),
            "purposes": selectors.purposes_active(),
            "designation": selectors.officer_designation(),
        },
    )


# --- public: ARCO form (R-A1) ---


def arco_form(request):
    form = ArcoRequestForm(request.POST or None, request.FILES or None)
    context = {"form": form, "right_help": RIGHT_HELP, "notice": selectors.notice_current()}
    if request.method == "POST":
        if ratelimit.hit(request, "file"):
            return _too_many(request, "privacy/arco_form.html", context, "file")
        if form.is_valid():
            data = form.cleaned_data
            try:
                filed = services.arco_request_file(
                    filing=services.ArcoFiling(
                        right=data["right"],
                        full_name=data["full_name"],
                        document_type=data["document_type"],
                        document_number=data["document_number"],
                        email=data["email"],
                        address=data["address"],
                        request_detail=data["request_detail"],
                        notice_acknowledged=data["notice_acknowledged"],
                        representative_name=data["representative_name"],
                        representative_document_number=data["representative_document_number"],
                    ),
                    document_file=data["document_file"],
                    power_of_attorney_file=data["power_of_attorney_file"],
                    supporting_file=data["supporting_file"],
                    today=clock.today(),
                    channel=Channel.WEB,
                    ip_address=_ip(request),
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                request.session[SESSION_FILED] = filed.tracking_code
                return redirect("privacy:arco-filed")
        return render(request, "privacy/arco_form.html", context, status=400)
    return render(request, "privacy/arco_form.html", context)


def _filed_in_session(request) -> ArcoRequest:
    code = request.session.get(SESSION_FILED)
    if not code:
        raise Http404
    return selectors.arco_request_by_code(code)


def _lookup_page(request, *, form=None, ack_form=None, not_found="", status=200):
    """The public "Follow a request" page; also the friendly answer to an unknown code or an
    acknowledgement asked for outside the session that filed it (404, with a way forward)."""
    return render(
        request,
        "privacy/arco_lookup.html",
        {
            "form": form or TrackingForm(),
            "ack_form": ack_form or AcknowledgementForm(),
            "not_found": not_found,
        },
        status=status,
    )


def arco_filed(request):
    """The acknowledgement on screen, right after filing (this browser session only)."""
    try:
        req = _filed_in_session(request)
    except Http404:
        return _lookup_page(request, not_found=NOT_FILED_HERE, status=404)
    return render(request, "privacy/arco_filed.html", {"req": req})


def arco_acknowledgement_pdf(request):
    """Right after filing, from the session; later, from any browser, with the tracking code
    and the identity document number (POST, rate-limited like the lookup)."""
    if request.method == "POST":
        if ratelimit.hit(request, "lookup"):
            return _too_many(
                request, "privacy/arco_lookup.html", {"form": TrackingForm()}, "lookup"
            )
        form = AcknowledgementForm(request.POST)
        if not form.is_valid():
            return _lookup_page(request, ack_form=form, status=400)
        try:
            filed = selectors.arco_request_by_code_and_document(
                form.cleaned_data["code"], form.cleaned_data["document_number"]
            )
        except Http404:
            return _lookup_page(request, ack_form=form, not_found=NO_MATCH, status=404)
    else:
        try:
            filed = _filed_in_session(request)
        except Http404:
            return _lookup_page(request, not_found=NOT_FILED_HERE, status=404)
    return pdf_response(documents.acknowledgement_pdf(filed), f"acuse-{filed.tracking_code}.pdf")


def arco_confirm_email(request, token: str):
    """R-A1: the link of the acknowledgement. A GET only shows the question (mail scanners
    open links); the requester confirms with the button (POST)."""
    if ratelimit.hit(request, "lookup"):
        return _too_many(request, "privacy/arco_lookup.html", {"form": TrackingForm()}, "lookup")
    try:
        req = services.email_confirmation_request(token)
        if request.method == "POST":
            req = services.arco_request_confirm_email(token=token)
    except DomainError as exc:
        return render(
            request, "privacy/arco_confirm_email.html", {"error": exc.message}, status=400
        )
    return render(request, "privacy/arco_confirm_email.html", {"req": req})


@enforces("R-A1")
def arco_download(request, token: str, attachment_id: int | None = None):
    """R-A1: the requester's letter and data, through the expiring link e-mailed to the verified
    address (never attached). The page lists the files; each download is logged (R-S3)."""
    if ratelimit.hit(request, "lookup"):
        return _too_many(request, "privacy/arco_lookup.html", {"form": TrackingForm()}, "lookup")
    try:
        req = services.download_request(token)
    except DomainError as exc:
        return render(request, "privacy/arco_download.html", {"error": exc.message}, status=400)
    files = req.attachments.filter(kind__in=services.download_kinds(token)).order_by("pk")
    if attachment_id is None:
        return render(
            request, "privacy/arco_download.html", {"req": req, "files": files, "token": token}
        )
    item = get_object_or_404(files, pk=attachment_id)
    services.access_log_record(
        actor=None,
        what=_("Downloaded by the requester: %(what)s") % {"what": item.get_kind_display()},
        subject=req.subject,
        subject_label=req.full_name,
        record_key=f"privacy.arcoattachment:{item.pk}",
        ip=_ip(request),
    )
    try:
        content = crypto.read_bytes(item.storage_name)
    except FileNotFoundError:
        raise Http404 from None
    names: dict[str, str] = {
        ArcoAttachment.Kind.RESPONSE: f"respuesta-{req.tracking_code}.pdf",
        **services.EMAIL_NAMES,
    }
    response = FileResponse(
        io.BytesIO(content),
        content_type=item.content_type,
        as_attachment=True,
        filename=names[item.kind],
    )
    response["Cache-Control"] = "private, no-store"
    return response


def arco_lookup(request):
    form = TrackingForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = selectors.tracking_code_normalize(form.cleaned_data["code"])
        return redirect("privacy:arco-status", code=code)
    return _lookup_page(request, form=form)


def arco_status(request, code: str):
    """Public status: status and dates only, never personal data (R-A1)."""
    if ratelimit.hit(request, "lookup"):
        return _too_many(request, "privacy/arco_lookup.html", {"form": TrackingForm()}, "lookup")
    try:
        req = selectors.arco_request_by_code(code)
    except Http404:
        return _lookup_page(
            request, form=TrackingForm({"code": code}), not_found=NO_CODE, status=404
        )
    if req.tracking_code != code:  # typed without dashes or in small letters
        return redirect("privacy:arco-status", code=req.tracking_code)
    form = CorrectionForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and req.status == ArcoRequest.Status.OBSERVED:
        try:
            services.arco_request_correct(
                tracking_code=req.tracking_code,
                correction_text=request.POST.get("correction_text", ""),
                correction_file=request.FILES.get("correction_file"),
                today=clock.today(),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = 400
        else:
            messages.success(request, _("Your correction was received. The deadline starts again."))
            return redirect("privacy:arco-status", code=req.tracking_code)
    return render(
        request,
        "privacy/arco_status.html",
        {"req": req, "form": form, "today": clock.today()},
        status=status,
    )


# --- signed in: consent prompt and "Mis datos y consentimientos" (R-P2, R-P3) ---


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse(default)


@login_required
def consent_prompt(request):
    """R-P2: the choices on the optional purposes (consent), one by one, linked from the notice
    banner; answering also records the notice as given. Never in the way: "Decide later"."""
    current = selectors.notice_current()
    if current is None:
        return redirect("home")
    asked = [p for p in selectors.purposes_active() if p.needs_consent]
    informed = [p for p in selectors.purposes_active() if not p.needs_consent]
    choices = {p.pk: request.POST.get(f"purpose-{p.pk}") for p in asked}
    guardian = {p.pk: bool(request.POST.get(f"guardian-{p.pk}")) for p in asked}
    errors: dict[int, str] = {}
    if request.method == "POST":
        unanswered = [pk for pk, value in choices.items() if value not in ("yes", "no")]
        errors = {pk: _("Choose yes or no.") for pk in unanswered}
        if not errors:
            answers = [
                services.ConsentAnswer(p, give=choices[p.pk] == "yes", as_guardian=guardian[p.pk])
                for p in asked
            ]
            try:
                services.consent_prompt_answer(
                    user=request.user,
                    notice=current,
                    answers=answers,
                    ip_address=_ip(request),
                    user_agent=_ua(request),
                )
            except DomainError as exc:
                errors = {int(exc.field): exc.message}
            else:
                messages.success(request, _("Thank you: your choices were recorded."))
                return redirect(_safe_next(request))
        messages.error(request, _("Nothing was recorded yet: see the purposes marked below."))
    rows = [
        dict(purpose=p, choice=choices[p.pk], guardian=guardian[p.pk], error=errors.get(p.pk))
        for p in asked
    ]
    return render(
        request,
        "privacy/consent_prompt.html",
        {
            "notice": current,
            "rows": rows,
            "informed": informed,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "later_url": _safe_next(request),
            "organization": Organization.current(),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def notice_dismiss(request):
    """R-P2: "Entendido" on the notice banner records the notice as given to the person (the
    version the banner showed, never a newer one it did not show) and hides the banner."""
    current = selectors.notice_current()
    if current is not None and request.POST.get("notice") == str(current.pk):
        services.notice_acknowledge(
            user=request.user, notice=current, ip_address=_ip(request), user_agent=_ua(request)
        )
    if request.headers.get("HX-Request"):
        return HttpResponse("")  # htmx swaps the banner away; without it, back to the page
    return redirect(_safe_next(request))


@login_required
def my_data(request):
    states = selectors.consent_states(request.user)
    rows = [{"purpose": p, "event": states.get(p.pk)} for p in selectors.purposes_active()]
    return render(
        request,
        "privacy/my_data.html",
        {
            "rows": rows,
            "profile": getattr(request.user, "traveler_profile", None),
            "notice": selectors.notice_current(),
            "events": request.user.consent_events.select_related("purpose")[:50],
        },
    )


@login_required
@require_POST
def my_consent_change(request, pk: int):
    purpose = get_object_or_404(Purpose, pk=pk, is_active=True)
    try:
        if request.POST.get("action") == "revoke":
            services.consent_revoke(
                user=request.user, purpose=purpose, ip_address=_ip(request), user_agent=_ua(request)
            )
            messages.success(
                request, _("Consent revoked: %(p)s. It takes effect now.") % {"p": purpose.name}
            )
        else:
            services.consent_give(
                user=request.user,
                purpose=purpose,
                notice=selectors.notice_current(),
                ip_address=_ip(request),
                user_agent=_ua(request),
                as_guardian=bool(request.POST.get("guardian")),
            )
            messages.success(request, _("Consent given: %(p)s.") % {"p": purpose.name})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("privacy:my-data")


@login_required
def my_data_export(request):
    data = subjects.subject_export(request.user)
    response = HttpResponse(documents.export_json(data), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="mis-datos.json"'
    return response


# --- Privacy Officer (R-A2…R-A8, R-S1…R-S4) ---


def _officer(request, *, write: bool = False):
    roles = (Role.PRIVACY_OFFICER,) if write else (Role.PRIVACY_OFFICER, Role.AUDITOR)
    if not request.user.is_authenticated or not has_role(request.user, *roles):
        raise Http404


@login_required
def queue(request):
    """R-A7: the requests by due date, a page at a time, with how many are late or due soon."""
    _officer(request)
    today = clock.today()
    show_all = request.GET.get("all") == "1"
    found = ArcoFilter(request.GET, queryset=selectors.arco_queue(open_only=not show_all))
    exported = spreadsheets.export_response(
        request,
        basename="solicitudes-arco",
        title="Solicitudes ARCO",
        columns=arco_filters.export_columns(),
        rows=lambda: arco_filters.export_rows(found.qs),
    )
    if exported:
        return exported
    page = paginate(request, found.qs)
    calendar = rules.arco_calendar()
    return render(
        request,
        "privacy/queue.html",
        {
            "rows": selectors.with_urgency(page, today, calendar=calendar),
            "page_obj": page,
            "counts": selectors.arco_queue_counts(today, calendar=calendar),
            "show_all": show_all,
            "filter": found,
            "keep": [("all", "1")] if show_all else [],
            "today": today,
            "incidents": selectors.incidents_pending_notification(),
        },
    )


def _filing(data) -> services.ArcoFiling:
    return services.ArcoFiling(
        right=data["right"],
        full_name=data["full_name"],
        document_type=data["document_type"],
        document_number=data["document_number"],
        email=data["email"],
        address=data["address"],
        request_detail=data["request_detail"],
        notice_acknowledged=data["notice_acknowledged"],
        representative_name=data["representative_name"],
        representative_document_number=data["representative_document_number"],
    )


@enforces("R-A1")
@login_required
def intake(request):
    """R-A1: the officer enters a request received on paper or by e-mail, with its real channel
    and date of receipt."""
    _officer(request, write=True)
    form = IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                filed = services.arco_request_intake(
                    actor=request.user,
                    filing=_filing(data),
                    channel=data["channel"],
                    received_on=data["received_on"],
                    language=data["language"],
                    document_file=data["document_file"],
                    power_of_attorney_file=data["power_of_attorney_file"],
                    supporting_file=data["supporting_file"],
                    today=clock.today(),
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("Request entered: tracking code %(code)s.") % {"code": filed.tracking_code},
                )
                return redirect("privacy:request", pk=filed.pk)
        return render(
            request, "privacy/intake.html", {"form": form, "right_help": RIGHT_HELP}, status=400
        )
    return render(request, "privacy/intake.html", {"form": form, "right_help": RIGHT_HELP})


ACTIONS = {
    "observe": ObserveForm,
    "extend": ExtendForm,
    "refuse": RefuseForm,
    "answer": AnswerForm,
    "rectify": RectifyForm,
    "review": ReviewDecisionForm,
    "verify": VerifyIdentityForm,
}


def _action_form(action: str, data=None):
    """The forms of one page share field names (reason…): ids of their own per action."""
    return ACTIONS[action](data, auto_id=f"id_{action}_%s")


@login_required
def request_detail(request, pk: int):
    req = selectors.arco_request_get_for_user(request.user, pk)
    return _request_page(request, req)


def _request_page(request, req, *, bound=None, status=200):
    """The officer's page of an ARCO file; `bound` is the form of a refused action, shown again
    with what the officer typed (nothing typed is lost, issue 19)."""
    services.access_log_record(
        actor=request.user,
        what=_("ARCO file"),
        subject=req.subject,
        subject_label=req.full_name,
        record_key=f"privacy.arcorequest:{req.pk}",
        ip=_ip(request),
    )
    today = clock.today()
    return render(
        request,
        "privacy/request_detail.html",
        {
            "req": req,
            "today": today,
            "forms": {name: _action_form(name) for name in ACTIONS} | (bound or {}),
            "candidates": selectors.subject_candidates(req),
            "purposes": selectors.purposes_active(),
            "history": req.history.select_related("history_user")[:30],
            "can_write": has_role(request.user, Role.PRIVACY_OFFICER),
            "data_pending": selectors.data_pending(req),
            # R-A8 cancelación of specific data: the dependants the person may ask to erase.
            "dependants": list(req.subject.dependants.all())
            if req.subject_id and req.right == ArcoRequest.Right.CANCELACION
            else [],
        },
        status=status,
    )


NO_CODE = gettext_lazy(
    "No request has this tracking code. Check it against your acknowledgement: 16 letters and "
    "digits, never the letters O and I nor the digits 0 and 1."
)
NO_MATCH = gettext_lazy(
    "The tracking code and the document number do not match a request. Check both against "
    "your acknowledgement."
)
NOT_FILED_HERE = gettext_lazy(
    "The acknowledgement is shown right after filing, in the same browser. To get it again, "
    "give your tracking code and the number of the identity document you filed with."
)


# What each officer action says once it is recorded (issue 20: not a bare "Done.").
ACTION_DONE = {
    "observe": gettext_lazy("Observations sent to the requester."),
    "extend": gettext_lazy("Deadline extended; the requester is told."),
    "refuse": gettext_lazy("Request refused; the requester is told why."),
    "answer": gettext_lazy("Answer recorded and sent to the requester."),
    "not-filed": gettext_lazy("Request closed as not filed."),
    "link": gettext_lazy("Data subject linked to the request."),
    "rectify": gettext_lazy("Data corrected."),
    "review": gettext_lazy("Review decision recorded."),
    "cancel": gettext_lazy("Data cancelled (deleted or anonymized) as requested."),
    "stop": gettext_lazy("Processing stopped for the purposes chosen."),
    "deliver-data": gettext_lazy("Copy of the data prepared for delivery."),
    "delivered": gettext_lazy("Delivery confirmed."),
}


@login_required
@require_POST
def request_action(request, pk: int, action: str):
    _officer(request, write=True)
    req = selectors.arco_request_get_for_user(request.user, pk)
    today = clock.today()
    post = request.POST
    try:
        if action == "observe":
            services.arco_request_observe(
                actor=request.user,
                request_id=req.pk,
                observations=post.get("observations", ""),
                today=today,
            )
        elif action == "extend":
            services.arco_request_extend(
                actor=request.user, request_id=req.pk, reason=post.get("reason", ""), today=today
            )
        elif action == "refuse":
            services.arco_request_refuse(
                actor=request.user,
                request_id=req.pk,
                ground=post.get("ground", ""),
                reason=post.get("reason", ""),
                today=today,
            )
        elif action == "answer":
            services.arco_request_answer(
                actor=request.user,
                request_id=req.pk,
                outcome=post.get("outcome", ""),
                response_text=post.get("response_text", ""),
                data=post.get("data") or "attach",
                controller_name=post.get("controller_name", ""),
                controller_email=post.get("controller_email", ""),
                today=today,
            )
        elif action == "not-filed":
            services.arco_request_close_not_filed(
                actor=request.user, request_id=req.pk, today=today
            )
        elif action == "verify":
            services.arco_request_verify_identity(
                actor=request.user,
                request_id=req.pk,
                method=post.get("method", ""),
                note=post.get("note", ""),
            )
        elif action == "link":
            services.arco_request_link_subject(
                actor=request.user,
                request_id=req.pk,
                subject_id=int(post.get("subject") or 0) or None,
            )
        elif action == "rectify":
            subjects.subject_rectify(
                actor=request.user,
                request_id=req.pk,
                # Everything posted: the service refuses bank data by name (R-A1).
                changes={k: v for k, v in post.items() if k != "csrfmiddlewaretoken"},
                today=today,
            )
        elif action == "review":
            subjects.subject_review_decision(
                actor=request.user,
                request_id=req.pk,
                decision=post.get("decision", ""),
                outcome=post.get("outcome", ""),
                today=today,
            )
        elif action == "cancel" and post.get("scope") == "dependants":
            subjects.subject_cancel_dependants(
                actor=request.user,
                request_id=req.pk,
                dependant_ids=post.getlist("dependants"),
                today=today,
            )
        elif action == "cancel":
            subjects.subject_cancel(actor=request.user, request_id=req.pk, today=today)
        elif action == "stop":
            subjects.subject_stop_processing(
                actor=request.user,
                request_id=req.pk,
                purpose_codes=post.getlist("purposes"),
                assessment=post.get("assessment", ""),
                today=today,
            )
        elif action == "deliver-data":
            services.arco_data_deliver(actor=request.user, request_id=req.pk, today=today)
        elif action == "delivered":
            services.arco_delivery_confirm(
                actor=request.user,
                delivery_id=get_object_or_404(req.deliveries, pk=post.get("delivery")).pk,
            )
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
        if action in ACTIONS:
            form = _action_form(action, post)
            form.is_valid()
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            return _request_page(request, req, bound={action: form}, status=400)
    else:
        messages.success(request, ACTION_DONE.get(action, _("Saved.")))
    return redirect("privacy:request", pk=req.pk)


@login_required
def attachment(request, pk: int, attachment_id: int):
    req = selectors.arco_request_get_for_user(request.user, pk)
    item = get_object_or_404(ArcoAttachment, pk=attachment_id, request=req)
    services.access_log_record(
        actor=request.user,
        what=item.get_kind_display(),
        subject=req.subject,
        subject_label=req.full_name,
        record_key=f"privacy.arcoattachment:{item.pk}",
        ip=_ip(request),
    )
    try:
        content = crypto.read_bytes(item.storage_name)
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type=item.content_type)
    # Never None: the file always has a name.
    response["Content-Disposition"] = (
        content_disposition_header(False, _attachment_name(item, req)) or ""
    )
    return response


def _attachment_name(item: ArcoAttachment, req: ArcoRequest) -> str:
    """A name that says what the file is ("respuesta-ABCD-….pdf"), never the storage's hex."""
    extension = item.storage_name.rsplit(".", 1)[-1] if "." in item.storage_name else "bin"
    if item.original_name:
        return item.original_name
    stems: dict[str, str] = {
        ArcoAttachment.Kind.RESPONSE: "respuesta",
        ArcoAttachment.Kind.ACKNOWLEDGEMENT: "acuse",
        ArcoAttachment.Kind.EXPORT_PDF: "mis-datos",
        ArcoAttachment.Kind.EXPORT_JSON: "mis-datos",
        ArcoAttachment.Kind.IDENTITY: "documento-identidad",
        ArcoAttachment.Kind.POWER_OF_ATTORNEY: "poder",
        ArcoAttachment.Kind.CORRECTION: "subsanacion",
    }
    stem = stems.get(item.kind, item.kind)
    return f"{stem}-{req.tracking_code}.{extension}"


@enforces("R-S1", "R-S2", "R-S4")
@login_required
def registers(request):
    _officer(request)
    return render(
        request,
        "privacy/registers.html",
        {
            "banks": DataBank.objects.prefetch_related("processors", "transfers"),
            "processors": Processor.objects.prefetch_related("data_banks"),
            "transfers": Transfer.objects.prefetch_related("data_banks"),
            "incidents": SecurityIncident.objects.all()[:100],
            "designation": selectors.officer_designation(),
            "access_log": selectors.access_log(200),
            "organization": Organization.current(),
            "now": timezone.now(),
        },
    )
