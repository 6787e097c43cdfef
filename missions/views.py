"""Thin HTML views: parse with a form, call a service, show DomainError as a message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from missions import access, approvals, budget_selectors, budgets, forms, selectors, services
from missions import filters as mission_filters
from missions.filters import MissionFilter
from missions.forms import CalculatorForm, QuoteForm
from missions.models import Advance, Delegation, Destination, Mission
from missions.privacy import staff_access_log, staff_access_log_each
from missions.rates import AdHocQuote, per_diem_estimate, quotes_for_user
from missions.rules import check_itinerary, plan_per_diem, snapshot_to_result
from missions.services import quote_approve, quote_record, quote_reject
from viaticos import spreadsheets
from viaticos.errors import CommonError, DomainError
from viaticos.form_rows import form_per_row
from viaticos.lists import filters_used
from viaticos.pagination import paginate
from viaticos.pdf import pdf_response, render_pdf
from viaticos.people import display_name
from viaticos.roles import Role, has_role

MAX_GRID_DAYS = 62
ERROR_FIELDS = {"meals_covered": "covered"}


def _meal_grid(form: CalculatorForm) -> list[dict]:
    data = getattr(form, "cleaned_data", {}) or {}
    departure, back = data.get("departure_at"), data.get("return_at")
    if not departure or not back or back < departure:
        return []
    days = (back.date() - departure.date()).days + 1
    if days > MAX_GRID_DAYS:
        return []
    covered = data.get("covered") or {}
    grid = []
    for offset in range(days):
        day = departure.date() + dt.timedelta(days=offset)
        grid.append(
            {
                "date": day,
                "meals": [
                    {
                        "value": f"{day.isoformat()}:{meal}",
                        "meal": meal,
                        "checked": meal in covered.get(day, []),
                    }
                    for meal in ("lunch", "dinner")
                ],
            }
        )
    return grid


@login_required
def calculator(request):
    """Per-diem calculator for any signed-in user (R-3.9); htmx re-renders the result only."""
    destinations = list(Destination.objects.all())
    bound = "destination" in request.GET
    form = CalculatorForm(request.GET if bound else None, destinations=destinations)
    result = None
    if bound and form.is_valid():
        data = form.cleaned_data
        quote = None
        if data["quote_lodging"] is not None and data["quote_meals"] is not None:
            quote = AdHocQuote(data["quote_lodging"], data["quote_meals"])
        try:
            result = per_diem_estimate(
                destination_code=data["destination"],
                departure_at=data["departure_at"],
                return_at=data["return_at"],
                meals_covered=data["covered"] or None,
                all_meals_covered=data["all_meals_covered"],
                sponsor_daily_amount=data["sponsor_daily_amount"],
                home_country_no_hotel=data["home_country_no_hotel"],
                quote=quote,
            )
        except DomainError as error:
            field = ERROR_FIELDS.get(error.field, error.field)
            form.add_error(field if field in form.fields else None, error.message)
    context = {"form": form, "result": result, "grid": _meal_grid(form), "bound": bound}
    if request.headers.get("HX-Request"):
        return render(request, "missions/_calculator_result.html", {**context, "oob": True})
    return render(request, "missions/calculator.html", context)


@login_required
def quote_list(request):
    """Quotes (R-3.8b): anyone records one; the Finance Director decides."""
    form = QuoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quote_record(actor=request.user, **data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Quote recorded; the Finance Director will decide on it."))
            return redirect("quote-list")
    quotes = quotes_for_user(request.user)
    return render(
        request,
        "missions/quotes.html",
        {
            "form": form,
            "quotes": quotes,
            "can_decide": has_role(request.user, Role.FINANCE_DIRECTOR),
        },
    )


@login_required
@require_POST
def quote_decide(request, pk: int):
    quote = get_object_or_404(quotes_for_user(request.user), pk=pk)
    decision = request.POST.get("decision")
    comment = request.POST.get("comment", "")
    try:
        if decision == "approve":
            quote_approve(quote=quote, actor=request.user, comment=comment)
            messages.success(request, _("Quote approved."))
        elif decision == "reject":
            quote_reject(quote=quote, actor=request.user, comment=comment)
            messages.success(request, _("Quote rejected."))
        else:
            messages.error(request, _("Choose approve or reject."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("quote-list")


APPROVER_ROLES = (Role.PROJECT_COORDINATOR, Role.FINANCE_DIRECTOR, Role.EXECUTIVE_SECRETARY)


def _back(request, default):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_required
def mission_list(request):
    """Mis misiones: the user's missions with status and next step."""
    found = MissionFilter(request.GET, queryset=selectors.missions_of_traveler(request.user))
    missions = found.qs
    exported = spreadsheets.export_response(
        request,
        basename="misiones",
        title="Misiones",
        columns=mission_filters.export_columns(),
        rows=mission_filters.export_rows(missions),
    )
    if exported:
        return exported
    page = paginate(request, missions)
    rows = [(m, selectors.mission_next_step(m)) for m in page]
    return render(request, "missions/list.html", {"rows": rows, "page_obj": page, "filter": found})


def _form_page(request, mission=None):
    if request.method == "POST":
        form = forms.MissionForm(request.POST, request.FILES)
    else:
        initial = forms.MissionForm.initial_for(mission) if mission else {}
        form = forms.MissionForm(initial=initial)
    result = snapshot_to_result(mission.planned_perdiem) if mission else None
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        try:
            if "preview" in request.POST:
                check_itinerary(
                    departure_at=kwargs["departure_at"],
                    return_at=kwargs["return_at"],
                    legs=kwargs["legs"],
                )
                result = plan_per_diem(
                    **{
                        k: v
                        for k, v in kwargs.items()
                        if k not in ("project", "purpose", "expected_results", "line")
                    }
                )
            else:
                invitation = form.cleaned_data.get("invitation")
                if mission is None:
                    mission = services.mission_create(
                        actor=request.user, invitation=invitation, **kwargs
                    )
                else:
                    mission = services.mission_update(
                        actor=request.user, mission=mission, invitation=invitation, **kwargs
                    )
                if "submit" in request.POST:
                    services.mission_submit(actor=request.user, mission=mission)
                    messages.success(request, _("Mission submitted for authorization."))
                else:
                    messages.success(request, _("Mission saved as a draft."))
                return redirect("missions:detail", pk=mission.pk)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return render(
        request, "missions/form.html", {"form": form, "result": result, "mission": mission}
    )


@login_required
def mission_new(request):
    """Nueva misión, with the per-diem breakdown recomputed on the server ("Calculate")."""
    return _form_page(request)


@login_required
def mission_edit(request, pk):
    mission = selectors.mission_get_for_user(request.user, pk)
    if "edit" not in access.mission_actions(request.user, mission):
        raise PermissionDenied
    return _form_page(request, mission)


@login_required
def mission_detail(request, pk):
    return _detail_page(request, selectors.mission_get_for_user(request.user, pk))


def _detail_page(request, mission, *, failed: str = "", status: int = 200):
    """The mission's page; after a refused action (`failed`: "reject", "advance-disburse"…)
    its form comes back with what was typed (issue 19) and the page answers 400."""
    posted = request.POST if failed else {}

    def bound(form_class, action, **initial):
        return form_class(posted) if failed == action else form_class(initial=initial)

    advances = list(mission.advances.all())
    advance = next(
        (
            a
            for a in advances
            if a.status not in (Advance.Status.REJECTED, Advance.Status.CANCELLED)
        ),
        advances[0] if advances else None,
    )
    if advance:
        advance.mission = mission
    pending = mission.status == Mission.Status.SUBMITTED or (
        advance is not None and advance.status == Advance.Status.REQUESTED
    )
    directory = approvals.Directory.load() if pending else None
    actions = access.mission_actions(request.user, mission, directory)
    figures = budget_selectors.figures_by_line([mission.line_id]).get(mission.line_id)
    # SPEC §2.5: what authorizing would take beyond the line (the override the FD may grant).
    planned = budgets.planned_amount(mission) if figures else None
    short = (
        max(planned - mission.budget_committed - figures.available, Decimal("0"))
        if figures and mission.status in (Mission.Status.SUBMITTED, Mission.Status.AUTHORIZED)
        else Decimal("0")
    )
    if not short:
        actions.discard("budget_override")
    advance_actions = access.advance_actions(request.user, advance, directory) if advance else set()
    payee_bank = _bank_of(mission.traveler) if "disburse" in advance_actions else None
    if payee_bank:  # Treasury pays to it: the view is logged (R-S3)
        staff_access_log(
            request,
            subject=mission.traveler,
            what=_("Bank data (disbursements)"),
            record_key="viaticos.travelerprofile:bank",
        )
    return render(
        request,
        "missions/detail.html",
        {
            "mission": mission,
            "budget": figures,
            "budget_planned": planned,
            "budget_short": short,
            "result": snapshot_to_result(mission.planned_perdiem),
            "actions": actions,
            "mission_slots": selectors.approval_slots(mission, directory),
            "mission_pending": mission.status == Mission.Status.SUBMITTED,
            "advance_slots": selectors.approval_slots(advance, directory) if advance else [],
            "overlapping": selectors.overlapping_missions(mission) if "submit" in actions else [],
            "advance": advance,
            "advance_actions": advance_actions,
            "payee_bank": payee_bank,
            "timeline": selectors.mission_timeline(mission),
            "history": mission.history.select_related("history_user").order_by("-history_date")[
                :30
            ],
            "next_step": selectors.mission_next_step(mission),
            "advance_form": bound(forms.AdvanceRequestForm, "request_advance"),
            "disburse_form": bound(
                forms.DisburseForm, "advance-disburse", disbursed_on=timezone.localdate()
            ),
            "return_form": bound(
                forms.ReturnForm, "advance-record_return", returned_on=timezone.localdate()
            ),
            "stop_form": forms.StopForm(),
            "failed": failed,
            "posted": posted,
            "invitation_form": forms.InvitationForm(),
        },
        status=status,
    )


def _amount(value) -> Decimal:
    return value if value is not None else Decimal("0")


def _run_mission_action(request, mission, name):
    user = request.user
    if name == "submit":
        form = _bound(forms.SubmitForm, request)
        services.mission_submit(actor=user, mission=mission, overlap_reason=form["overlap_reason"])
        return _("Mission submitted for authorization.")
    if name == "authorize":
        form = _bound(forms.CommentForm, request)
        services.mission_authorize(actor=user, mission=mission, comment=form["comment"])
        return _("Authorization recorded.")
    if name == "reject":
        form = _bound(forms.ReasonForm, request)
        services.mission_reject(actor=user, mission=mission, reason=form["reason"])
        return _("Mission returned to the traveler with your reason.")
    if name == "start":
        services.mission_start(actor=user, mission=mission)
        return _("Mission started. Have a good trip.")
    if name == "return":
        services.mission_mark_returned(actor=user, mission=mission)
        return _("Welcome back. Submit the settlement with your receipts.")
    if name in ("suspend", "cancel"):
        form = _bound(forms.StopForm, request)
        service = services.mission_suspend if name == "suspend" else services.mission_cancel
        service(
            actor=user,
            mission=mission,
            reason=form["reason"],
            amount_spent=_amount(form["amount_spent"]),
        )
        return _("Mission stopped; any advance given must be returned or settled (R-4).")
    if name == "request_advance":
        form = _bound(forms.AdvanceRequestForm, request)
        services.advance_request(
            actor=user, mission=mission, terminal_estimate=form["terminal_estimate"]
        )
        return _("Advance requested.")
    if name == "budget_override":
        form = _bound(forms.ReasonForm, request)
        budgets.budget_override_grant(actor=user, mission=mission, reason=form["reason"])
        return _("Authorization beyond the budget line recorded on the timeline.")
    if name == "invitation":
        form = _bound(forms.InvitationForm, request)
        services.mission_attach_invitation(actor=user, mission=mission, upload=form["file"])
        return _("Invitation letter attached.")
    raise Http404


def _bound(form_class, request) -> dict:
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        raise DomainError(
            CommonError.INVALID, f"{label}: {errors[0]}" if label else errors[0], field=field
        )
    return form.cleaned_data


MISSION_ACTIONS = {
    "submit",
    "authorize",
    "reject",
    "start",
    "return",
    "suspend",
    "cancel",
    "request_advance",
    "invitation",
    "budget_override",
}


@login_required
@require_POST
def mission_action(request, pk, name):
    if name not in MISSION_ACTIONS:
        raise Http404
    mission = selectors.mission_get_for_user(request.user, pk)
    try:
        messages.success(request, _run_mission_action(request, mission, name))
    except DomainError as error:
        messages.error(request, error.message)
        if not request.POST.get("next"):  # refused on its page: the form keeps what was typed
            return _refused_page(request, pk, name, error)
    return _back(request, mission.get_absolute_url())


def _refused_page(request, pk, action, error: DomainError):
    mission = selectors.mission_get_for_user(request.user, pk)  # as it is now
    return _detail_page(request, mission, failed=action, status=error.status)


@login_required
@require_POST
def advance_action(request, pk, name):
    advance = selectors.advance_get_for_user(request.user, pk)
    user = request.user
    try:
        if name == "approve":
            form = _bound(forms.CommentForm, request)
            services.advance_approve(actor=user, advance=advance, comment=form["comment"])
            done = _("Approval recorded.")
        elif name == "reject":
            form = _bound(forms.ReasonForm, request)
            services.advance_reject(actor=user, advance=advance, reason=form["reason"])
            done = _("Advance returned to the traveler with your reason.")
        elif name == "sign":
            services.advance_sign(actor=user, advance=advance)
            done = _("Advance signed: Treasury can now pay it.")
        elif name == "disburse":
            form = _bound(forms.DisburseForm, request)
            services.advance_disburse(actor=user, advance=advance, **form)
            done = _("Disbursement recorded.")
        elif name == "record_return":
            form = _bound(forms.ReturnForm, request)
            services.advance_record_return(actor=user, advance=advance, **form)
            done = _("Return of the advance recorded.")
        else:
            raise Http404
        messages.success(request, done)
    except DomainError as error:
        messages.error(request, error.message)
        queue = _treasury_queue_query(request, name)
        if queue is not None:  # refused on the queue: its row keeps what was typed (issue 20)
            return _disbursement_page(
                request, queue, refused=(advance.pk, name), status=error.status
            )
        if not request.POST.get("next"):  # refused on its page: the form keeps what was typed
            return _refused_page(request, advance.mission_id, f"advance-{name}", error)
    return _back(request, advance.mission.get_absolute_url())


def _treasury_queue_query(request, name) -> QueryDict | None:
    """The filters of the treasury queue a payment was recorded from, or None when it was
    recorded elsewhere."""
    target = urlsplit(request.POST.get("next", ""))
    if name not in TREASURY_FORMS or target.path != reverse("missions:disbursements"):
        return None
    return QueryDict(target.query)


def _inbox_rows(page, authorities, mission_of, pending, names, budget) -> list[dict]:
    rows = []
    for obj in page:
        authority = authorities.get(obj.pk)
        principal = authority.principal_id if authority else None
        mission = mission_of(obj)
        rows.append(
            {
                "obj": obj,
                "authority": authority,
                "on_behalf_of": names.get(principal, "") if principal else "",
                "pending": pending.get(mission.traveler_id, []),
                # SPEC §2.5: what is left of the line before deciding.
                "budget": budget.get(mission.line_id),
            }
        )
    return rows


@login_required
def inbox(request):
    """Por aprobar: missions and advances waiting for this user's decision, as designated
    approver, delegate or alternate (R-3.1d), with what the approver needs to decide."""
    user = request.user
    directory = approvals.Directory.load()
    if not (has_role(user, *APPROVER_ROLES) or directory.involves(user.pk)):
        raise PermissionDenied
    waiting = selectors.awaiting_decision(user, directory)
    missions, mission_authorities = waiting[approvals.MISSION]
    advances, advance_authorities = waiting[approvals.ADVANCE]
    found = mission_filters.ApprovalFilter(request.GET, queryset=missions)
    narrowed = filters_used(found.form)  # then the pages count what the search left
    missions = paginate(request, found.qs, count=None if narrowed else len(mission_authorities))
    advances = paginate(
        request,
        mission_filters.ApprovalFilter(request.GET, queryset=advances).qs,
        param="apage",
        count=None if narrowed else len(advance_authorities),
    )
    pending = selectors.pending_settlement_by_traveler(
        [m.traveler_id for m in missions] + [a.mission.traveler_id for a in advances]
    )
    names = approvals.names_of(
        a.principal_id
        for a in [*mission_authorities.values(), *advance_authorities.values()]
        if a.principal_id
    )
    budget = budget_selectors.figures_by_line(
        [m.line_id for m in missions] + [a.mission.line_id for a in advances]
    )
    return render(
        request,
        "missions/inbox.html",
        {
            "missions": missions,
            "advances": advances,
            "filter": found,
            # The Finance Director never authorizes missions (SLOTS): no empty section for them.
            "shows_missions": bool(mission_authorities)
            or has_role(
                user,
                *(approvals.SLOT_ROLE[slot] for slot in approvals.SLOTS[approvals.MISSION]),
            ),
            "mission_rows": _inbox_rows(
                missions, mission_authorities, lambda m: m, pending, names, budget
            ),
            "advance_rows": _inbox_rows(
                advances, advance_authorities, lambda a: a.mission, pending, names, budget
            ),
        },
    )


@login_required
def inbox_badge(request):
    """The number beside "To approve" in the navigation, loaded after the page (R-3.1d)."""
    count = approvals.inbox_count(request.user) if approvals.may_ever_approve(request.user) else 0
    return render(request, "missions/_inbox_badge.html", {"count": count})


@login_required
@require_POST
def inbox_decide(request):
    """Approve the selected requests at once; each is checked on its own and the result lists
    what was approved and what was refused, and why."""
    form = forms.BulkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("missions:inbox")
    data = form.cleaned_data
    missions = list(selectors.missions_visible_to(request.user).filter(pk__in=data["missions"]))
    advances = list(selectors.advances_visible_to(request.user).filter(pk__in=data["advances"]))
    outcomes = services.approve_many(
        actor=request.user, missions=missions, advances=advances, comment=data["comment"]
    )
    unknown = len(data["missions"]) + len(data["advances"]) - len(outcomes)
    done = [o.code for o in outcomes if o.done]
    if done:
        messages.success(request, _("Approved: %(codes)s.") % {"codes": ", ".join(done)})
    for outcome in outcomes:
        if not outcome.done:
            messages.error(
                request,
                _("%(code)s not approved: %(why)s")
                % {"code": outcome.code, "why": outcome.message},
            )
    if unknown:
        messages.error(
            request,
            _("%(n)s selected requests no longer exist or are not yours to decide.")
            % {"n": unknown},
        )
    return redirect("missions:inbox")


@login_required
def approvals_stuck(request):
    """R-3.1d: pending requests that nobody may decide on now, for the Executive Secretary and
    the General Administrator to configure an alternate or a delegation."""
    if not has_role(
        request.user, Role.EXECUTIVE_SECRETARY, Role.GENERAL_ADMINISTRATOR, Role.AUDITOR
    ):
        raise PermissionDenied
    return render(request, "missions/approvals_stuck.html", {"rows": selectors.stuck_approvals()})


@login_required
def delegations(request):
    """Mi cuenta → out of office: delegate one's approvals for a date window (R-3.1d)."""
    user = request.user
    form = forms.DelegationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_create(actor=user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Delegation recorded."))
            return redirect("missions:delegations")
    return render(
        request,
        "missions/delegations.html",
        {"form": form, **selectors.delegations_of(user)},
    )


@login_required
@require_POST
def delegation_end(request, pk):
    delegation = get_object_or_404(Delegation, pk=pk, delegator=request.user)
    try:
        services.delegation_end(actor=request.user, delegation=delegation)
        messages.success(request, _("Delegation ended: your approvals come back to you."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("missions:delegations")


TREASURY_FORMS = {
    "disburse": ("pay", forms.DisburseForm),
    "record_return": ("back", forms.ReturnForm),
}


@login_required
def disbursements(request):
    """Treasury's list: emergencies first (R-5), then advances to recover (R-4); search,
    filters, sorting and exports (issue 20)."""
    if not access.is_treasury(request.user):
        raise PermissionDenied
    return _disbursement_page(request, request.GET)


def _disbursement_page(request, params, *, refused=None, status=200):
    """The queue with the filters of `params`; `refused` = (advance pk, action) of a payment
    that was refused: its row shows again the date, method and reference typed."""
    found = mission_filters.AdvanceFilter(params, queryset=selectors.disbursement_queue())
    if refused is None:
        exported = spreadsheets.export_response(
            request,
            basename="anticipos",
            title="Anticipos",
            columns=mission_filters.advance_export_columns(),
            rows=lambda: mission_filters.advance_export_rows(found.qs),
        )
        if exported:
            return exported
    page = paginate(request, found.qs, params=params)
    today = timezone.localdate()
    to_pay = [a.pk for a in page if a.status == Advance.Status.SIGNED]
    pay = form_per_row(
        "missions/_treasury_fields.html",
        forms.DisburseForm,
        to_pay,
        prefix="pay",
        initial={"disbursed_on": today},
    )
    back = form_per_row(
        "missions/_treasury_fields.html",
        forms.ReturnForm,
        [a.pk for a in page if a.pk not in pay],
        prefix="back",
        initial={"returned_on": today},
    )
    if refused is not None:
        pk, name = refused
        prefix, form_class = TREASURY_FORMS[name]
        typed = form_class(request.POST, auto_id=f"{prefix}{pk}_%s")
        typed.is_valid()
        html = render_to_string("missions/_treasury_fields.html", {"form": typed})
        (pay if prefix == "pay" else back)[pk] = html
    rows = [
        (advance, pay.get(advance.pk) or back[advance.pk], _bank_of(advance.mission.traveler))
        for advance in page
    ]
    shown = [advance.mission.traveler for advance, _, bank in rows if bank]
    staff_access_log_each(  # the page shows each payee's full bank account (R-S3)
        request,
        subjects=shown,
        what=_("Bank data (disbursements)"),
        record_key="viaticos.travelerprofile:bank",
    )
    return render(
        request,
        "missions/treasury.html",
        {"advances": page, "rows": rows, "filter": found, "queue_url": _queue_url(params)},
        status=status,
    )


def _queue_url(params) -> str:
    """Where a payment recorded on the queue comes back to: the queue with its filters."""
    query = params.copy()
    query.pop("export", None)
    url = reverse("missions:disbursements")
    return f"{url}?{query.urlencode()}" if query else url


def _bank_of(user) -> dict | None:
    """The payee's bank name and full account (decrypted by the field), or None."""
    profile = getattr(user, "traveler_profile", None)
    if profile is None or not profile.bank_account:
        return None
    return {"name": profile.bank_name, "account": profile.bank_account}


@login_required
def invitation_file(request, pk):
    """The invitation letter, only for those who may see the mission."""
    mission = selectors.mission_get_for_user(request.user, pk)
    if not mission.invitation_file or not default_storage.exists(mission.invitation_file):
        raise Http404
    staff_access_log(
        request,
        subject=mission.traveler,
        what=_("Invitation letter of %(code)s") % {"code": mission.code},
        record_key=f"missions.mission:{mission.pk}",
    )
    return FileResponse(
        default_storage.open(mission.invitation_file),
        content_type=mission.invitation_content_type,
        as_attachment=False,
        filename=mission.invitation_name or "invitacion",
    )


def _who(user, principal=None) -> str:
    """The signer of a block; "X on behalf of Y" when a delegate decided (R-3.1d)."""
    if not user:
        return ""
    if principal:
        return _("%(delegate)s on behalf of %(principal)s") % {
            "delegate": display_name(user),
            "principal": display_name(principal),
        }
    return display_name(user)


def mission_blocks(mission) -> list[dict]:
    return [
        {
            "role": _("Project Coordinator"),
            "who": _who(mission.coordinator_authorized_by, mission.coordinator_authorized_for),
            "at": mission.coordinator_authorized_at,
        },
        {
            "role": _("Executive Secretary"),
            "who": _who(mission.secretary_authorized_by, mission.secretary_authorized_for),
            "at": mission.secretary_authorized_at,
        },
    ]


def advance_blocks(advance) -> list[dict]:
    return [
        {
            "role": _("Project Coordinator"),
            "who": _who(advance.coordinator_approved_by, advance.coordinator_approved_for),
            "at": advance.coordinator_approved_at,
        },
        {
            "role": _("Finance Director"),
            "who": _who(advance.finance_approved_by, advance.finance_approved_for),
            "at": advance.finance_approved_at,
        },
        {
            "role": _("Requester (signature, R-3.1)"),
            "who": _who(advance.mission.traveler),
            "at": advance.signed_at,
        },
        {"role": _("Treasury"), "who": _who(advance.disbursed_by), "at": advance.disbursed_at},
    ]


@login_required
def mission_order_pdf(request, pk):
    """Mission order (nombramiento) with the planned per diem and the authorizations."""
    mission = selectors.mission_get_for_user(request.user, pk)
    context = {
        "mission": mission,
        "result": snapshot_to_result(mission.planned_perdiem),
        "mission_blocks": mission_blocks(mission),
    }
    content = render_pdf("missions/pdf/mission_order.html", context, language=request.LANGUAGE_CODE)
    staff_access_log(  # the order shows the traveler's identity document number (R-S3)
        request,
        subject=mission.traveler,
        what=_("Identity document number (mission order %(code)s)") % {"code": mission.code},
        record_key=f"missions.mission:{mission.pk}",
    )
    return pdf_response(content, f"nombramiento-{mission.code}.pdf")


@login_required
def advance_pdf(request, pk):
    advance = selectors.advance_get_for_user(request.user, pk)
    mission = advance.mission
    context = {
        "advance": advance,
        "mission": mission,
        "result": snapshot_to_result(mission.planned_perdiem),
        "advance_blocks": advance_blocks(advance),
    }
    content = render_pdf(
        "missions/pdf/advance_request.html", context, language=request.LANGUAGE_CODE
    )
    staff_access_log(  # the request shows the traveler's identity document number (R-S3)
        request,
        subject=mission.traveler,
        what=_("Identity document number (advance request %(code)s)") % {"code": advance.code},
        record_key=f"missions.advance:{advance.pk}",
    )
    return pdf_response(content, f"anticipo-{advance.code}.pdf")
