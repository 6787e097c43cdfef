"""Pages of deadlines and sanctions: thin views over deadlines.selectors (reads) and
deadlines.sanctions / deadlines.payroll (writes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deadlines import filters as sanction_filters
from deadlines import notices, payroll, proposals, sanctions
from deadlines import selectors as dashboard
from deadlines.errors import DeadlinesError
from deadlines.filters import OutstandingFilter, SanctionFilter
from deadlines.models import PayrollExport, Sanction
from missions.models import Advance, Mission
from missions.privacy import staff_access_log
from missions.selectors import mission_get_for_user
from settlements import returns
from settlements.models import ReturnRecord
from viaticos import spreadsheets
from viaticos.errors import DomainError
from viaticos.pagination import paginate
from viaticos.pdf import pdf_response


def _dashboard_user(request):
    if not dashboard.can_see_dashboard(request.user):
        raise PermissionDenied


def _decider(request):
    if not dashboard.can_decide(request.user):
        raise PermissionDenied


@login_required
def mine(request):
    """The traveler's page: what they owe, by when, what happens next, how to settle."""
    page = dashboard.traveler_deadline_page(request.user, page=request.GET.get("page"))
    return render(
        request,
        "deadlines/mine.html",
        {
            "rows": page,
            "page_obj": page,
            "sanctions": dashboard.sanctions_visible_to(request.user).filter(person=request.user),
        },
    )


@login_required
@require_POST
def record_return(request, pk):
    """SPEC §4: record the actual return (or, for the coordinator, an extension) from
    "What I owe"; the deadline counts from it."""
    mission = mission_get_for_user(request.user, pk)
    kind = request.POST.get("kind", ReturnRecord.Kind.ACTUAL_RETURN)
    try:
        at = dt.datetime.fromisoformat(request.POST.get("at", ""))
    except ValueError:
        messages.error(request, _("Give the date and time of the return."))
        return redirect("deadlines:mine")
    try:
        returns.mission_record_return(
            actor=request.user,
            mission=mission,
            kind=kind,
            at=at,
            today=timezone.localdate(),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("The return was recorded: the deadline counts from it."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("deadlines:mine")


@login_required
def sanction_list(request):
    """Sanctions: one's own, or all of them for the General Accountant and the Auditor; search,
    filters, sorting and exports (issue 20)."""
    found = SanctionFilter(
        request.GET,
        queryset=dashboard.sanctions_visible_to(request.user).order_by("-proposed_on", "-pk"),
    )
    exported = spreadsheets.export_response(
        request,
        basename="sanciones",
        title="Sanciones",
        columns=sanction_filters.export_columns(),
        rows=lambda: sanction_filters.export_rows(found.qs),
    )
    if exported:
        return exported
    page = paginate(request, found.qs)
    return render(
        request,
        "deadlines/sanctions.html",
        {"page_obj": page, "filter": found, "all": dashboard.can_see_dashboard(request.user)},
    )


LISTED = 12  # sanctions in course and late notices shown on the dashboard, the latest first


@login_required
def dashboard_view(request):
    """The General Accountant's dashboard (the Auditor reads it too)."""
    _dashboard_user(request)
    today = timezone.localdate()
    found = OutstandingFilter(request.GET, queryset=Advance.objects.all())
    ages = dashboard.outstanding_by_age(today=today, advances=found.qs)
    bucket = request.GET.get("bucket", "")
    labels = dashboard.bucket_labels()
    bucket = bucket if bucket in labels else ""
    exported = spreadsheets.export_response(
        request,
        basename="anticipos-por-liquidar",
        title="Anticipos por liquidar",
        columns=sanction_filters.outstanding_export_columns(),
        rows=lambda: sanction_filters.outstanding_export_rows(
            dashboard.outstanding_all(ages, bucket=bucket), labels
        ),
    )
    if exported:
        return exported
    page = dashboard.outstanding_page(ages, bucket=bucket, page=request.GET.get("page"))
    kept = request.GET.copy()
    for name in ("bucket", "page", "export"):
        kept.pop(name, None)
    return render(
        request,
        "deadlines/dashboard.html",
        {
            "today": today,
            "chart": dashboard.age_chart(ages),
            "rows": page,
            "page_obj": page,
            "shown_count": page.paginator.count,
            "bucket": bucket,
            "bucket_label": labels.get(bucket, ""),
            "filter": found,
            "filter_query": kept.urlencode(),
            "keep": [("bucket", bucket)] if bucket else [],
            "total": ages.total,
            "late_total": ages.late_total,
            "late_notices": dashboard.late_notices()[:LISTED],
            "sanctions": dashboard.sanctions_in_course()[:LISTED],
            "counts": dashboard.counts(
                sanctions=dashboard.sanctions_in_course(), late_notices=dashboard.late_notices()
            ),
            "listed": LISTED,
            # The list behind one bar shows the advances; the spend charts stay on the dashboard.
            **({} if bucket else dashboard.spend_charts(today=today)),
            "can_decide": dashboard.can_decide(request.user),
        },
    )


@login_required
def sanction_detail(request, pk):
    sanction = dashboard.sanction_get_for_user(request.user, pk)
    return render(
        request,
        "deadlines/sanction.html",
        {
            "sanction": sanction,
            "can_decide": dashboard.can_decide(request.user),
            **proposals.page_context(sanction, user=request.user),
        },
    )


def _amount(value: str) -> Decimal | None:
    try:
        return Decimal(value.strip()) if value.strip() else None
    except InvalidOperation:
        raise DomainError(
            DeadlinesError.INVALID_AMOUNT, _("Give the amount as a number."), field="amount"
        ) from None


@login_required
@require_POST
def sanction_apply(request, pk):
    _decider(request)
    sanction = dashboard.sanction_get_for_user(request.user, pk)
    try:
        sanctions.sanction_apply(
            actor=request.user,
            sanction=sanction,
            today=timezone.localdate(),
            note=request.POST.get("note", ""),
            amount=_amount(request.POST.get("amount", "")),
        )
        messages.success(request, _("The sanction was applied."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("deadlines:sanction", pk=sanction.pk)


@login_required
@require_POST
def sanction_lift(request, pk):
    _decider(request)
    sanction = dashboard.sanction_get_for_user(request.user, pk)
    try:
        sanctions.sanction_lift(
            actor=request.user,
            sanction=sanction,
            reason=request.POST.get("reason", ""),
            today=timezone.localdate(),
        )
        messages.success(request, _("The sanction was lifted."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("deadlines:sanction", pk=sanction.pk)


@login_required
def sanction_new(request):
    """Propose a sanction (R-3.13, R-3.17, R-8a, R-8c) for a mission."""
    _decider(request)
    kinds = [
        (k, Sanction.Kind(k).label) for k in Sanction.Kind.values if k in sanctions.MANUAL_KINDS
    ]
    values = {"kind": "", "mission": "", "amount": "", "reason": ""}
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in values}
        try:
            mission = (
                Mission.objects.select_related("traveler")
                .filter(pk=int(values["mission"].removeprefix("M-").lstrip("0") or 0))
                .first()
            )
            if mission is None:
                raise DomainError(DeadlinesError.MISSION_NOT_FOUND, _("There is no such mission."))
            try:
                amount = Decimal(values["amount"]) if values["amount"] else None
            except InvalidOperation:
                raise DomainError(
                    DeadlinesError.INVALID_AMOUNT, _("Give the amount as a number."), field="amount"
                ) from None
            advance = mission.advances.filter(
                status__in=["disbursed", "return_due", "settled", "returned"]
            ).first()
            sanction = sanctions.sanction_propose(
                actor=request.user,
                kind=values["kind"],
                person=mission.traveler,
                mission=mission,
                advance=advance if values["kind"] in Sanction.LATE_SETTLEMENT_KINDS else None,
                amount=amount,
                reason=values["reason"],
                today=timezone.localdate(),
            )
            messages.success(request, _("The sanction was proposed."))
            return redirect("deadlines:sanction", pk=sanction.pk)
        except DomainError as error:
            messages.error(request, error.message)
    return render(request, "deadlines/sanction_new.html", {"kinds": kinds, "values": values})


@login_required
def payroll_view(request):
    """R-8b: the deduction orders of a month, exported for payroll as CSV or XLSX."""
    _decider(request)
    period = (
        request.POST.get("period")
        or request.GET.get("period")
        or (timezone.localdate().strftime("%Y-%m"))
    )
    try:
        start, end = payroll.month_period(period)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("deadlines:payroll")
    if request.method == "POST":
        try:
            result = payroll.payroll_export(
                actor=request.user,
                period_start=start,
                period_end=end,
                file_format=request.POST.get("format", PayrollExport.Format.CSV),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(f"{request.path}?period={period}")
        staff_access_log(  # the file carries names and identity document numbers (R-S3)
            request,
            subject=None,
            what=_("Identity document numbers (payroll export %(period)s)") % {"period": period},
            record_key=f"settlements.payrollexport:{period}",
        )
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return response
    orders = dashboard.orders_of_period(start, end)
    if orders.exists():  # the list shows identity document numbers: one entry per view (R-S3)
        staff_access_log(
            request,
            subject=None,
            what=_("Identity document numbers (payroll deduction orders %(period)s)")
            % {"period": period},
            record_key=f"settlements.payrollexport:{period}",
        )
    return render(
        request,
        "deadlines/payroll.html",
        {
            "period": period,
            "orders": orders,
            "exports": PayrollExport.objects.filter(period_start=start).select_related(
                "created_by"
            )[:20],
            "columns": payroll.COLUMNS,
        },
    )


@login_required
def requirement_pdf(request, pk):
    requirement = dashboard.requirement_get_for_user(request.user, pk)
    return pdf_response(notices.requirement_pdf(requirement), f"{requirement.code}.pdf")


@login_required
def order_pdf(request, pk):
    order = dashboard.order_get_for_user(request.user, pk)
    staff_access_log(  # the order shows the identity document number (R-S3)
        request,
        subject=order.person,
        what=_("Identity document number (deduction order %(code)s)") % {"code": order.code},
        record_key=f"settlements.payrolldeductionorder:{order.pk}",
    )
    return pdf_response(notices.deduction_order_pdf(order), f"{order.code}.pdf")
