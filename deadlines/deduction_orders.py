"""Several payroll deduction orders per advance (R-8b, SPEC §4 "Deductions are money recovered").

An applied payroll deduction (deadlines.proposals) may be recovered over several
payrolls: the General Accountant applies it for part of what is owed, and orders the next
deduction once the previous order reached payroll. Each order is reconciled by the ledger: what
every exported order recovered adds up in `recovered by deduction` (settlements.ledger), an
order not exported yet is cut at export to what is still owed, and a later settlement
reimburses whatever was over-recovered (R-3.3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from deadlines.errors import DeadlinesError
from deadlines.models import PayrollDeductionOrder, Sanction
from viaticos.errors import CommonError, DomainError, NotAllowed
from viaticos.money import round_money
from viaticos.roles import Role, has_role
from viaticos.rules_registry import enforces

ZERO = Decimal("0.00")
OS = PayrollDeductionOrder.State
PREFETCHED = "deduction_order_list"


# --- reads -------------------------------------------------------------------------------------


def recovered_subquery(advance_ref: str = "pk"):
    """What exported orders recovered for the advance at `advance_ref`, in SQL (0 if none)."""
    total = (
        PayrollDeductionOrder.objects.filter(advance=OuterRef(advance_ref), state=OS.EXPORTED)
        .order_by()
        .values("advance")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(total, output_field=DecimalField(max_digits=14, decimal_places=2)),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def with_recovered(qs: QuerySet) -> QuerySet:
    """Advances annotated with `recovered_by_deduction` (the ledger's column)."""
    return qs.annotate(recovered_by_deduction=recovered_subquery())


def orders_prefetch(prefix: str = "") -> Prefetch:
    """The orders of each advance (oldest first) in one query, for `current_order`."""
    return Prefetch(
        f"{prefix}deduction_orders",
        queryset=PayrollDeductionOrder.objects.order_by("pk"),
        to_attr=PREFETCHED,
    )


def orders_of(advance) -> list[PayrollDeductionOrder]:
    found = getattr(advance, PREFETCHED, None)
    if found is None:
        found = list(PayrollDeductionOrder.objects.filter(advance=advance).order_by("pk"))
    return found


def with_current_order(qs: QuerySet) -> QuerySet:
    """Advances annotated with their latest order not cancelled, in the same query (the home
    page's panel stays within its query budget)."""
    latest = (
        PayrollDeductionOrder.objects.filter(advance=OuterRef("pk"))
        .exclude(state=OS.CANCELLED)
        .order_by("-pk")
    )
    return qs.annotate(
        current_order_id=Subquery(latest.values("pk")[:1]),
        current_order_state=Subquery(latest.values("state")[:1]),
        current_order_amount=Subquery(latest.values("amount")[:1]),
    )


def current_order(advance) -> PayrollDeductionOrder | None:
    """The advance's latest order that is not cancelled (what the deadline pages show and the
    daily job follows): from `with_current_order`, the prefetched orders, or one query."""
    if hasattr(advance, "current_order_id"):
        if advance.current_order_id is None:
            return None
        return PayrollDeductionOrder(
            pk=advance.current_order_id,
            advance_id=advance.pk,
            state=advance.current_order_state,
            amount=round_money(Decimal(advance.current_order_amount)),
        )
    live = [o for o in orders_of(advance) if o.state != OS.CANCELLED]
    return live[-1] if live else None


def recovered_of(orders: Iterable[PayrollDeductionOrder]) -> Decimal:
    return sum((o.amount for o in orders if o.state == OS.EXPORTED), ZERO)


def recovered_for_advance(advance_id: int | None) -> Decimal:
    """What exported orders recovered for one advance (one query)."""
    if not advance_id:
        return ZERO
    total = PayrollDeductionOrder.objects.filter(
        advance_id=advance_id, state=OS.EXPORTED
    ).aggregate(total=Sum("amount"))["total"]
    return round_money(total) if total is not None else ZERO


# --- the next order ----------------------------------------------------------------------------


@enforces("R-8b")
@transaction.atomic
def deduction_order_next(
    *, actor, sanction: Sanction, today: dt.date, amount: Decimal | None = None
) -> PayrollDeductionOrder:
    """R-8b: a further order under an applied payroll deduction, for what is still owed (or
    the part of it the General Accountant gives), once the previous order reached payroll."""
    from deadlines import proposals
    from settlements import ledger

    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    if not has_role(actor, Role.GENERAL_ACCOUNTANT):
        raise NotAllowed(
            CommonError.NOT_ALLOWED, _("Only the General Accountant decides on sanctions.")
        )
    if actor.pk == sanction.person_id:
        raise DomainError(
            DeadlinesError.OWN_SANCTION,
            _("Nobody decides on a sanction on themselves (segregation of duties)."),
        )
    if sanction.kind != Sanction.Kind.PAYROLL_DEDUCTION or sanction.state != Sanction.State.APPLIED:
        raise DomainError(
            CommonError.WRONG_STATE,
            _("Only an applied payroll deduction can order a further deduction."),
        )
    advance_id = sanction.advance_id
    assert advance_id is not None  # a payroll deduction is of an advance
    orders = list(
        PayrollDeductionOrder.objects.select_for_update(of=("self",))
        .filter(advance_id=advance_id)
        .order_by("pk")
    )
    waiting = [o for o in orders if o.state in PayrollDeductionOrder.NOT_EXPORTED]
    if waiting:
        raise DomainError(
            DeadlinesError.ORDER_WAITING,
            _("%(code)s has not reached payroll yet: order the next deduction after it.")
            % {"code": waiting[0].code},
        )
    advance = sanction.advance
    assert advance is not None
    owed = ledger.position_of(advance, today=today).owed
    if owed <= 0:
        raise DomainError(
            DeadlinesError.NOTHING_OWED,
            _("The advance %(code)s owes nothing now: there is nothing more to deduct.")
            % {"code": advance.code},
        )
    if amount is not None:
        amount = round_money(Decimal(amount))
        if amount <= 0 or amount > owed:
            raise DomainError(
                DeadlinesError.INVALID_AMOUNT,
                _("The amount to deduct must be more than 0 and at most %(owed)s USD.")
                % {"owed": owed},
                field="amount",
            )
    model = orders[-1]
    settlement = getattr(advance, "settlement", None)
    stopped = settlement is not None and settlement.status in proposals.RECEIVED
    return PayrollDeductionOrder.objects.create(
        advance=advance,
        sanction=sanction,
        requirement_id=model.requirement_id,
        person_id=model.person_id,
        person_name=model.person_name,
        document_number=model.document_number,
        amount=amount if amount is not None else owed,
        concept=model.concept,
        mission_reference=model.mission_reference,
        issued_on=today,
        state=OS.STOPPED if stopped else OS.PENDING,
        stopped_on=today if stopped else None,
    )
