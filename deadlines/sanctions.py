"""The sanctions ledger: propose, apply, lift (R-8a, R-8b, R-8c, R-3.13, R-3.17).

"No new advance while unsettled" (R-3.11a) is never stored: missions.rules derives it from the
advances pending settlement. The entity blocks of R-3.13 reach the advance workflow through
`missions.hooks` (registered in SettlementsConfig.ready()), so missions never imports us.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from deadlines.errors import DeadlinesError
from deadlines.models import DocumentationRequirement, PayrollDeductionOrder, Sanction
from missions.models import Advance, Mission
from viaticos.errors import DomainError, require_reason
from viaticos.models import TravelerProfile
from viaticos.money import round_money
from viaticos.roles import Role, has_role
from viaticos.rules_registry import enforces
from viaticos.services import lock, not_allowed, save

K = Sanction.Kind
ST = Sanction.State

# What a person can be sanctioned for by hand; the payroll deduction (R-8b) only comes from
# the daily job, after the documentation requirement and its grace period.
MANUAL_KINDS = frozenset(
    {
        K.MEMBER_INSTITUTION_BLOCK,
        K.CO_EXECUTING_BLOCK,
        K.NO_SHOW,
        K.ALTERED_DOCUMENTS,
        K.UNDUE_PER_DIEM,
    }
)
NEEDS_AMOUNT = frozenset({K.NO_SHOW, K.UNDUE_PER_DIEM})
ALTERED_DOCUMENTS_SUSPENSION_DAYS = 2  # R-8c


def _check_actor(actor, person) -> None:
    if not has_role(actor, Role.GENERAL_ACCOUNTANT):
        # 403, as the API documents for a role that may see but not decide.
        raise not_allowed(_("Only the General Accountant decides on sanctions."))
    if actor.pk == person.pk:
        raise DomainError(
            DeadlinesError.OWN_SANCTION,
            _("Nobody decides on a sanction on themselves (segregation of duties)."),
        )


def _refuse_if_settled(advance: Advance | None) -> None:
    """A late-settlement sanction on someone who already settled is refused."""
    if advance is None:
        raise DomainError(
            DeadlinesError.ADVANCE_REQUIRED,
            _("Say which advance is unsettled."),
            field="advance",
        )
    if advance.status not in Advance.PENDING_SETTLEMENT:
        raise DomainError(
            DeadlinesError.ALREADY_SETTLED,
            _("The advance %(code)s is already settled or returned: there is nothing to sanction.")
            % {"code": advance.code},
        )


@enforces("R-3.13", "R-3.17", "R-8a", "R-8c")
@transaction.atomic
def sanction_propose(
    *,
    actor,
    kind: str,
    person,
    today: dt.date,
    reason: str,
    mission: Mission | None = None,
    advance: Advance | None = None,
    amount: Decimal | None = None,
) -> Sanction:
    """Record a proposed sanction with its rule (R-3.13, R-3.17, R-8a, R-8c)."""
    _check_actor(actor, person)
    reason = require_reason(reason)
    if kind not in MANUAL_KINDS:
        raise DomainError(
            DeadlinesError.KIND_NOT_MANUAL,
            _(
                "Payroll deductions (R-8b) are ordered by the daily deadline job after the "
                "documentation requirement and its grace period."
            ),
            field="kind",
        )
    if advance is not None:
        advance = Advance.objects.select_for_update().select_related("mission").get(pk=advance.pk)
        mission = mission or advance.mission
        if advance.mission_id != mission.pk:
            raise DomainError(
                DeadlinesError.ADVANCE_NOT_OF_MISSION, _("The advance is not of that mission.")
            )
    if mission is not None and mission.traveler_id != person.pk:
        raise DomainError(
            DeadlinesError.MISSION_NOT_OF_PERSON,
            _("The mission is not of that person."),
            field="mission",
        )
    if kind in Sanction.LATE_SETTLEMENT_KINDS:
        _refuse_if_settled(advance)
    if kind in NEEDS_AMOUNT:
        if amount is None or amount <= 0:
            raise DomainError(
                DeadlinesError.AMOUNT_REQUIRED,
                _("Give the amount to recover or bill."),
                field="amount",
            )
        amount = round_money(Decimal(amount))
    else:
        amount = None
    profile = TravelerProfile.objects.filter(user=person).first()
    entity_kind = profile.entity_kind if profile else ""
    entity_name = profile.entity_name if profile else ""
    if (
        kind == K.MEMBER_INSTITUTION_BLOCK
        and entity_kind != TravelerProfile.EntityKind.MEMBER_INSTITUTION
    ):
        raise DomainError(
            DeadlinesError.NOT_MEMBER_INSTITUTION,
            _("This person is not staff of a member-country institution (R-3.13)."),
        )
    if kind == K.CO_EXECUTING_BLOCK and entity_kind != TravelerProfile.EntityKind.CO_EXECUTING:
        raise DomainError(
            DeadlinesError.NOT_CO_EXECUTING,
            _("This person does not represent a co-executing entity (R-3.13)."),
        )
    if (
        kind in Sanction.LATE_SETTLEMENT_KINDS
        and Sanction.objects.filter(advance=advance, kind=kind).exists()
    ):
        raise DomainError(
            DeadlinesError.SANCTION_EXISTS, _("This sanction is already in the ledger.")
        )
    sanction = Sanction(
        kind=kind,
        rule=Sanction.RULES[kind],
        person=person,
        mission=mission,
        advance=advance,
        entity_kind=entity_kind,
        entity_name=entity_name,
        amount=amount,
        suspension_days=ALTERED_DOCUMENTS_SUSPENSION_DAYS if kind == K.ALTERED_DOCUMENTS else 0,
        legal_action=kind == K.ALTERED_DOCUMENTS,
        reason=reason,
        proposed_on=today,
        proposed_by=actor,
    )
    sanction._history_user = actor
    sanction._change_reason = "proposed"
    sanction.save()
    return sanction


@enforces("R-A1")
@transaction.atomic
def sanction_apply(
    *, actor, sanction: Sanction, today: dt.date, note: str = "", amount: Decimal | None = None
) -> Sanction:
    """The General Accountant applies a proposed sanction, with the traveler's answer on
    record (R-A1); a deduction's order then goes to payroll (deadlines.proposals)."""
    from deadlines import proposals

    sanction = lock(sanction)
    _check_actor(actor, sanction.person)
    if sanction.state != ST.PROPOSED:
        raise DomainError(
            DeadlinesError.WRONG_STATE,
            _("%(code)s is “%(state)s”: only a proposed sanction can be applied.")
            % {"code": sanction.code, "state": sanction.get_state_display()},
        )
    if sanction.kind in Sanction.LATE_SETTLEMENT_KINDS:
        _refuse_if_settled(sanction.advance)
    proposals.check_heard(sanction, today=today)
    sanction.state, sanction.applied_on, sanction.applied_by = ST.APPLIED, today, actor
    sanction.decision_note = (note or "").strip()
    save(
        sanction,
        actor=actor,
        reason="applied",
        fields=["state", "applied_on", "applied_by", "decision_note"],
    )
    proposals.release_order(sanction, actor=actor, today=today, amount=amount)
    return sanction


@transaction.atomic
def sanction_lift(*, actor, sanction: Sanction, reason: str, today: dt.date) -> Sanction:
    """Lift a sanction in course with a reason: the traveler settled, or a justification was
    accepted (R-3.17). A deduction order not yet sent to payroll is cancelled with it."""
    sanction = lock(sanction)
    _check_actor(actor, sanction.person)
    reason = require_reason(reason)
    if sanction.state not in Sanction.IN_COURSE:
        raise DomainError(
            DeadlinesError.WRONG_STATE,
            _("%(code)s is already lifted.") % {"code": sanction.code},
        )
    sanction.state, sanction.lifted_on, sanction.lifted_by = ST.LIFTED, today, actor
    sanction.lift_reason = reason
    save(
        sanction,
        actor=actor,
        reason="lifted",
        fields=["state", "lifted_on", "lifted_by", "lift_reason"],
    )
    PayrollDeductionOrder.objects.filter(
        sanction=sanction, state__in=PayrollDeductionOrder.NOT_EXPORTED
    ).update(state=PayrollDeductionOrder.State.CANCELLED, cancelled_on=today)
    return sanction


def lift_settled(*, today: dt.date, dry_run: bool = False) -> int:
    """Late-settlement sanctions end when the advance is settled or returned: set-based, run
    by the daily job. Deduction orders already exported stay as they are (payroll has them)."""
    stale = list(
        Sanction.objects.filter(
            state__in=Sanction.IN_COURSE,
            kind__in=Sanction.LATE_SETTLEMENT_KINDS,
            advance__isnull=False,
        ).exclude(advance__status__in=Advance.PENDING_SETTLEMENT)
    )
    if not stale or dry_run:
        return len(stale)
    with transaction.atomic():
        for sanction in stale:
            sanction.state, sanction.lifted_on = ST.LIFTED, today
            sanction.lift_reason = "Anticipo liquidado o devuelto."
        bulk_update_with_history(
            stale,
            Sanction,
            ["state", "lifted_on", "lift_reason"],
            default_change_reason="lifted: advance settled",
        )
        advance_ids = {s.advance_id for s in stale}
        PayrollDeductionOrder.objects.filter(
            advance_id__in=advance_ids, state__in=PayrollDeductionOrder.NOT_EXPORTED
        ).update(state=PayrollDeductionOrder.State.CANCELLED, cancelled_on=today)
        DocumentationRequirement.objects.filter(
            advance_id__in=advance_ids, resolved_on__isnull=True
        ).update(resolved_on=today)
    return len(stale)


@enforces("R-3.13")
def entity_block_check(*, mission: Mission, action: str) -> None:
    """R-3.13: no further disbursement to a member-country institution, and no further advance
    to a co-executing entity, while one of its people has not settled. Registered into
    missions.hooks; refuses with a DomainError."""
    profile = TravelerProfile.objects.filter(user_id=mission.traveler_id).first()
    if profile is None or not profile.entity_name:
        return
    if profile.entity_kind == TravelerProfile.EntityKind.MEMBER_INSTITUTION:
        kind = K.MEMBER_INSTITUTION_BLOCK
        if action != "disburse":
            return
    elif profile.entity_kind == TravelerProfile.EntityKind.CO_EXECUTING:
        kind = K.CO_EXECUTING_BLOCK
    else:
        return
    if Sanction.objects.filter(
        kind=kind, state=ST.APPLIED, entity_name__iexact=profile.entity_name
    ).exists():
        raise DomainError(
            DeadlinesError.ENTITY_BLOCKED,
            _(
                "%(entity)s has people with overdue settlements: no further advances or "
                "disbursements for it until they settle (R-3.13)."
            )
            % {"entity": profile.entity_name},
        )
