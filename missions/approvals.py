"""Who may approve what: the one place that decides it (§2.4, R-3.1, R-3.1s, R-3.1d).

A mission needs two authorizations (Project Coordinator, Executive Secretary) and an advance two
approvals (Project Coordinator, Finance Director): two *slots*. For an open slot the
candidates are, in order:

1. its designated holders (the project's coordinator; whoever holds the Executive Secretary or
   Finance Director role), unless they are the requester or already decided in the other slot;
   a holder who is away with a delegate is represented by the delegate ("X on behalf of Y"),
   one away without a delegate is skipped;
2. when no designated holder can decide, or the request has waited longer than the escalation
   threshold, the alternates the organization configured for the slot (project first, then
   every project), mapped through their own delegations the same way.

Two people never fill the two slots of one request: whoever decided in a slot, in person or
through a delegate, is out of the other one; the requester is out of both (R-3.1s). The
services ask `authority_of()` before recording a decision and `check_two_people()` before the
final transition, under the row lock; the inbox, the stuck list and the reminders ask the same
functions over `PendingRequest` rows, so what a page offers is what a service accepts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import DateField, Q, QuerySet, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from missions.errors import MissionsError
from missions.models import Advance, ApprovalAlternate, Delegation, Mission, Slot
from viaticos.business_days import duty_calendar
from viaticos.errors import CommonError, DomainError, NotAllowed
from viaticos.people import display_name
from viaticos.roles import Role, has_role
from viaticos.rules_registry import enforces

MISSION = "mission"
ADVANCE = "advance"

SLOTS: dict[str, tuple[Slot, Slot]] = {
    MISSION: (Slot.COORDINATOR, Slot.SECRETARY),
    ADVANCE: (Slot.COORDINATOR, Slot.FINANCE),
}
# The model fields of each slot: <prefix>_by, <prefix>_for, <prefix>_at.
FIELD_PREFIX: dict[tuple[str, Slot], str] = {
    (MISSION, Slot.COORDINATOR): "coordinator_authorized",
    (MISSION, Slot.SECRETARY): "secretary_authorized",
    (ADVANCE, Slot.COORDINATOR): "coordinator_approved",
    (ADVANCE, Slot.FINANCE): "finance_approved",
}
SLOT_ROLE = {
    Slot.COORDINATOR: Role.PROJECT_COORDINATOR,
    Slot.SECRETARY: Role.EXECUTIVE_SECRETARY,
    Slot.FINANCE: Role.FINANCE_DIRECTOR,
}


class Basis:
    DESIGNATED = "designated"
    DELEGATE = "delegate"
    ALTERNATE = "alternate"


@dataclass(frozen=True)
class Authority:
    """Someone who may fill `slot` now: `actor` decides, on behalf of `principal` when they
    act as a delegate; `reason` says why an alternate or a delegate is asked."""

    slot: Slot
    actor_id: int
    principal_id: int | None
    basis: str
    reason: str = ""


@dataclass(frozen=True)
class PendingRequest:
    """What deciding needs to know of a submitted mission or a requested advance."""

    kind: str
    pk: int
    traveler_id: int
    project_id: int
    coordinator_id: int
    since: dt.datetime | None
    # slot -> (decided by, on behalf of); absent while the slot is open
    filled: dict[Slot, tuple[int, int | None]] = field(default_factory=dict)
    escalates_on: dt.date | None = None

    @classmethod
    def of(cls, obj: Mission | Advance) -> PendingRequest:
        kind = MISSION if isinstance(obj, Mission) else ADVANCE
        mission = obj if isinstance(obj, Mission) else obj.mission
        filled = {}
        for slot in SLOTS[kind]:
            prefix = FIELD_PREFIX[(kind, slot)]
            if getattr(obj, f"{prefix}_at"):
                filled[slot] = (getattr(obj, f"{prefix}_by_id"), getattr(obj, f"{prefix}_for_id"))
        since = obj.submitted_at if isinstance(obj, Mission) else obj.requested_at
        return cls(
            kind,
            obj.pk,
            mission.traveler_id,
            mission.project_id,
            mission.project.coordinator_id,
            since,
            filled,
            obj.approval_escalates_on,
        )

    def open_slots(self) -> list[Slot]:
        return [slot for slot in SLOTS[self.kind] if slot not in self.filled]

    def people_in_other_slot(self, slot: Slot) -> set[int]:
        return {
            person
            for other, decided in self.filled.items()
            if other != slot
            for person in decided
            if person is not None
        }


@dataclass(frozen=True)
class Away:
    """A delegation in force: `delegator_id` is away until `ends_on`, represented by
    `delegate_id` (None: by the alternates)."""

    delegator_id: int
    delegate_id: int | None
    ends_on: dt.date


@dataclass
class Directory:
    """Who holds which approving role, who is away or delegating today, and the alternates:
    everything deciding needs beyond the request itself (three queries)."""

    today: dt.date
    holders: dict[Slot, frozenset[int]]
    delegations: dict[int, Away]
    alternates: dict[tuple[int | None, Slot], list[int]]
    names: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, *, today: dt.date | None = None) -> Directory:
        today = today or timezone.localdate()
        User = get_user_model()
        holders: dict[Slot, set[int]] = defaultdict(set)
        role_slot = {role.value: slot for slot, role in SLOT_ROLE.items()}
        for pk, group in User.objects.filter(
            is_active=True, groups__name__in=list(role_slot)
        ).values_list("pk", "groups__name"):
            holders[role_slot[group]].add(pk)
        # Delegations in force today and the alternates, in one query.
        delegations: dict[int, Away] = {}
        alternates: dict[tuple[int | None, Slot], list[int]] = defaultdict(list)
        active = (
            Delegation.objects.filter(
                revoked_at__isnull=True, starts_on__lte=today, ends_on__gte=today
            )
            .order_by()
            .values_list(
                Value("d"), "delegator_id", "delegate_id", Value(""), "ends_on", "starts_on", "pk"
            )
        )
        configured = (
            ApprovalAlternate.objects.filter(alternate__is_active=True)
            .order_by()
            .values_list(
                Value("a"),
                "project_id",
                "alternate_id",
                "slot",
                Value(None, output_field=DateField()),
                Value(None, output_field=DateField()),
                "priority",
            )
        )
        for kind, a, b, slot, ends_on, _starts, _order in sorted(
            active.union(configured, all=True), key=lambda row: (row[0], row[5] or today, row[6])
        ):
            if kind == "d":
                delegations.setdefault(a, Away(a, b, ends_on))
            else:
                alternates[(a, Slot(slot))].append(b)
        return cls(
            today,
            {slot: frozenset(holders[slot]) for slot in Slot},
            delegations,
            dict(alternates),
        )

    def name(self, pk: int) -> str:
        """Display name of anyone the directory knows (all of them read in one query)."""
        if pk not in self.names:
            known = {pk} | {p for people in self.holders.values() for p in people}
            known |= {p for people in self.alternates.values() for p in people}
            for delegation in self.delegations.values():
                known |= {delegation.delegator_id, delegation.delegate_id or pk}
            self.names.update(names_of(known - set(self.names)))
        return self.names.get(pk, str(pk))

    def designated(self, request: PendingRequest, slot: Slot) -> list[int]:
        if slot == Slot.COORDINATOR:
            coordinator = request.coordinator_id
            return [coordinator] if coordinator in self.holders[slot] else []
        return sorted(self.holders[slot])

    def alternates_for(self, request: PendingRequest, slot: Slot) -> list[int]:
        own = self.alternates.get((request.project_id, slot), [])
        shared = self.alternates.get((None, slot), [])
        return [*own, *[p for p in shared if p not in own]]

    def is_escalated(self, request: PendingRequest) -> bool:
        return request.escalates_on is not None and request.escalates_on <= self.today

    def involves(self, user_id: int) -> bool:
        """Whether `user_id` can ever appear as a candidate: holds a role, is an alternate or a
        delegate today. Everyone else has an empty inbox without looking at any request."""
        return (
            any(user_id in people for people in self.holders.values())
            or any(user_id in people for people in self.alternates.values())
            or any(d.delegate_id == user_id for d in self.delegations.values())
        )


def escalation_date(submitted: dt.datetime) -> dt.date:
    """R-3.1d: the day a request submitted at `submitted` escalates to the alternates."""
    return duty_calendar().add_business_days(
        timezone.localdate(submitted), settings.VIATICOS_APPROVAL_ESCALATION_BUSINESS_DAYS
    )


def _represented(
    directory: Directory, person: int, excluded: set[int], basis: str, reason: str, slot: Slot
) -> list[Authority]:
    """`person` holds the authority; who may use it today: themselves unless away without a
    delegate, and their delegate, neither of them excluded."""
    delegation = directory.delegations.get(person)
    result = []
    if person not in excluded and (delegation is None or delegation.delegate_id is not None):
        result.append(Authority(slot, person, None, basis, reason))
    if delegation is not None and delegation.delegate_id is not None and person not in excluded:
        delegate = delegation.delegate_id
        if delegate not in excluded and delegate != person:
            until = date_format(delegation.ends_on, "SHORT_DATE_FORMAT")
            why = _("%(name)s is away until %(until)s and delegated to you") % {
                "name": directory.name(person),
                "until": until,
            }
            result.append(
                Authority(
                    slot, delegate, person, Basis.DELEGATE, f"{reason}; {why}" if reason else why
                )
            )
    return result


def _why_alternates(directory: Directory, request: PendingRequest, slot: Slot) -> str:
    designated = directory.designated(request, slot)
    role = Slot(slot).label
    if not designated:
        return _("Nobody holds the role of %(role)s") % {"role": role}
    if request.traveler_id in designated and len(designated) == 1:
        return _("The %(role)s is the requester") % {"role": role}
    in_other = request.people_in_other_slot(slot)
    if set(designated) <= in_other | {request.traveler_id}:
        return _("The %(role)s already decided in the other approval") % {"role": role}
    away = [p for p in designated if p in directory.delegations]
    if away:
        delegation = directory.delegations[away[0]]
        return _("%(name)s is away until %(until)s") % {
            "name": directory.name(away[0]),
            "until": date_format(delegation.ends_on, "SHORT_DATE_FORMAT"),
        }
    return _("Waiting for more than %(days)s business days") % {
        "days": settings.VIATICOS_APPROVAL_ESCALATION_BUSINESS_DAYS
    }


@enforces("R-3.1s", "R-3.1d")
def candidates(directory: Directory, request: PendingRequest, slot: Slot) -> list[Authority]:
    """R-3.1s, R-3.1d: who may fill the open `slot` of `request` now, designated holders (or
    their delegates) first, then the alternates when none can or the request escalated. Never
    the requester, never anyone who decided (or was represented) in the other slot."""
    excluded = {request.traveler_id} | request.people_in_other_slot(slot)
    result: list[Authority] = []
    for person in directory.designated(request, slot):
        result += _represented(directory, person, excluded, Basis.DESIGNATED, "", slot)
    if not result or directory.is_escalated(request):
        why = _why_alternates(directory, request, slot)
        reason = _("Alternate: %(why)s") % {"why": why}
        for person in directory.alternates_for(request, slot):
            result += _represented(directory, person, excluded, Basis.ALTERNATE, reason, slot)
    seen: set[int] = set()
    unique = []
    for authority in result:
        if authority.actor_id not in seen:
            seen.add(authority.actor_id)
            unique.append(authority)
    return unique


def why_nobody(directory: Directory, request: PendingRequest, slot: Slot) -> str:
    """For a slot without candidates: why, and what would unblock it."""
    why = _why_alternates(directory, request, slot)
    if not directory.alternates_for(request, slot):
        return _("%(why)s, and no alternate is configured for this approval.") % {"why": why}
    return _(
        "%(why)s, and every alternate configured is the requester, already decided in the "
        "other approval, or away."
    ) % {"why": why}


def authority_of(directory: Directory, request: PendingRequest, user_id: int) -> Authority | None:
    """The slot `user_id` may fill on `request` now (the first open one, in the order of §2.4),
    or None."""
    for slot in request.open_slots():
        for authority in candidates(directory, request, slot):
            if authority.actor_id == user_id:
                return authority
    return None


@enforces("R-3.1s")
def check_two_people(request: PendingRequest) -> None:
    """R-3.1s, re-checked at the final transition: the two slots are held by two different
    people (counting whom a delegate represented), neither of them the requester."""
    slots = SLOTS[request.kind]
    if any(slot not in request.filled for slot in slots):
        return
    first = {p for p in request.filled[slots[0]] if p is not None}
    second = {p for p in request.filled[slots[1]] if p is not None}
    if first & second or request.traveler_id in first | second:
        raise NotAllowed(
            MissionsError.SAME_PERSON,
            _(
                "The two approvals must come from two different people, neither of them the "
                "requester (segregation of duties)."
            ),
        )


def refusal(request: PendingRequest, user) -> DomainError:
    """Why `user` may not decide on `request`, in words they can act on."""
    if request.traveler_id == user.pk:
        return NotAllowed(
            MissionsError.OWN_REQUEST,
            _("Nobody approves their own mission or advance (segregation of duties)."),
        )
    if any(user.pk in decided for decided in request.filled.values()):
        return DomainError(
            MissionsError.ALREADY_DECIDED,
            _(
                "You already gave one of the two approvals of this request; the other one must "
                "come from another person (segregation of duties)."
            ),
        )
    return NotAllowed(CommonError.NOT_ALLOWED, _("You may not take this decision on this request."))


def current_approver_ids(obj: Mission | Advance, directory: Directory | None = None) -> set[int]:
    """Everyone who may give an open approval of `obj` now (to tell them it waits)."""
    directory = directory or Directory.load()
    request = PendingRequest.of(obj)
    return {
        authority.actor_id
        for slot in request.open_slots()
        for authority in candidates(directory, request, slot)
    }


# --- reads over many requests ----------------------------------------------------------------

_MISSION_COLUMNS = (
    "pk",
    "traveler_id",
    "project_id",
    "project__coordinator_id",
    "submitted_at",
    "coordinator_authorized_at",
    "coordinator_authorized_by_id",
    "coordinator_authorized_for_id",
    "secretary_authorized_at",
    "secretary_authorized_by_id",
    "secretary_authorized_for_id",
    "approval_escalates_on",
)
_ADVANCE_COLUMNS = (
    "pk",
    "mission__traveler_id",
    "mission__project_id",
    "mission__project__coordinator_id",
    "requested_at",
    "coordinator_approved_at",
    "coordinator_approved_by_id",
    "coordinator_approved_for_id",
    "finance_approved_at",
    "finance_approved_by_id",
    "finance_approved_for_id",
    "approval_escalates_on",
)


def _rows(kind: str, scope: Q | None = None) -> Iterator[PendingRequest]:
    qs: QuerySet[Mission] | QuerySet[Advance]
    if kind == MISSION:
        qs = Mission.objects.filter(status=Mission.Status.SUBMITTED)
        columns = _MISSION_COLUMNS
    else:
        qs = Advance.objects.filter(status=Advance.Status.REQUESTED)
        columns = _ADVANCE_COLUMNS
    if scope is not None:
        qs = qs.filter(scope)
    first, second = SLOTS[kind]
    for (
        pk,
        traveler,
        project,
        coordinator,
        since,
        a_at,
        a_by,
        a_for,
        b_at,
        b_by,
        b_for,
        escalates_on,
    ) in qs.values_list(*columns).order_by():
        filled = {}
        if a_at:
            filled[first] = (a_by, a_for)
        if b_at:
            filled[second] = (b_by, b_for)
        yield PendingRequest(kind, pk, traveler, project, coordinator, since, filled, escalates_on)


def pending_requests(kind: str) -> Iterator[PendingRequest]:
    return _rows(kind)


def _scope_for(directory: Directory, user_id: int, kind: str) -> Q | None:
    """A superset of the requests `user_id` may decide on, to read fewer rows: None reads all
    (the user may hold a slot that spans every project)."""
    people = {user_id} | {
        d.delegator_id for d in directory.delegations.values() if d.delegate_id == user_id
    }
    for slot in SLOTS[kind]:
        if slot != Slot.COORDINATOR and people & directory.holders[slot]:
            return None
        if any(
            people & set(p)
            for (proj, s), p in directory.alternates.items()
            if s == slot and proj is None
        ):
            return None
    projects = [
        proj
        for (proj, _s), p in directory.alternates.items()
        if proj is not None and people & set(p)
    ]
    prefix = "" if kind == MISSION else "mission__"
    return Q(**{f"{prefix}project__coordinator__in": people}) | Q(
        **{f"{prefix}project__in": projects}
    )


def decidable_by(directory: Directory, user_id: int, kind: str) -> dict[int, Authority]:
    """The requests of `kind` that `user_id` may decide on now, with the authority of each."""
    if not directory.involves(user_id):
        return {}
    result = {}
    for request in _rows(kind, _scope_for(directory, user_id, kind)):
        authority = authority_of(directory, request, user_id)
        if authority is not None:
            result[request.pk] = authority
    return result


@dataclass(frozen=True)
class Stuck:
    kind: str
    pk: int
    slot: Slot


def stuck_requests(directory: Directory) -> list[Stuck]:
    """R-3.1d: pending requests with an open slot that nobody may fill."""
    return [
        Stuck(kind, request.pk, slot)
        for kind in (MISSION, ADVANCE)
        for request in _rows(kind)
        for slot in request.open_slots()
        if not candidates(directory, request, slot)
    ]


# --- the inbox count in the navigation -------------------------------------------------------

_VERSION_KEY = "approvals:version"


def _version() -> int:
    version = cache.get_or_set(_VERSION_KEY, 1, None)
    return 1 if version is None else int(version)


def changed() -> None:
    """Something that changes who may decide on what was committed: counts are stale."""

    def bump():
        try:
            cache.incr(_VERSION_KEY)
        except ValueError:
            cache.set(_VERSION_KEY, 2, None)

    transaction.on_commit(bump)


def inbox_count(user) -> int:
    """How many requests wait for `user`'s decision, kept in the cache until a decision,
    submission, delegation or alternate changes (and a minute at most, so that a change made
    through another server shows up soon even without a shared cache)."""
    key = f"approvals:count:{_version()}:{timezone.localdate()}:{user.pk}"
    count = cache.get(key)
    if count is None:
        directory = Directory.load()
        count = sum(len(decidable_by(directory, user.pk, kind)) for kind in (MISSION, ADVANCE))
        cache.set(key, count, 60)
    return count


def stands_in(user) -> bool:
    """Whether `user` is an alternate or an active delegate (one query, kept on the user for the
    request): they may see and decide requests beyond their own roles."""
    cached = getattr(user, "_approvals_stands_in", None)
    if cached is None:
        today = timezone.localdate()
        cached = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .filter(
                Q(approval_alternacies__isnull=False)
                | Q(
                    delegations_received__revoked_at__isnull=True,
                    delegations_received__starts_on__lte=today,
                    delegations_received__ends_on__gte=today,
                )
            )
            .exists()
        )
        user._approvals_stands_in = cached
    return cached


def may_ever_approve(user) -> bool:
    """Whether the approvals inbox belongs in `user`'s navigation."""
    return has_role(user, *SLOT_ROLE.values()) or stands_in(user)


def names_of(user_ids: Iterable[int]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=set(user_ids))
    return {u.pk: display_name(u) for u in users}
