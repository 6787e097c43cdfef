"""Pages: the per-diem calculator and the quotes (R-3.8b). Thin: forms in, services out."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from missions.forms import CalculatorForm, QuoteForm
from missions.models import Destination
from missions.rates import AdHocQuote, per_diem_estimate, quotes_for_user
from missions.services import quote_approve, quote_record, quote_reject
from viaticos.errors import DomainError
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
            quote_record(by=request.user, **data)
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
            quote_approve(quote=quote, by=request.user, comment=comment)
            messages.success(request, _("Quote approved."))
        elif decision == "reject":
            quote_reject(quote=quote, by=request.user, comment=comment)
            messages.success(request, _("Quote rejected."))
        else:
            messages.error(request, _("Choose approve or reject."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("quote-list")
