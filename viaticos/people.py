"""People: how they are named, found by identity document, and whether their data is blocked.

`viaticos` imports no app: the privacy app plugs in, from its AppConfig.ready(), where blocked
people are recorded and how a read of a blocked person's data is logged (`register_blocking`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth import get_user_model
from django.db.models import Exists, Model, OuterRef, QuerySet

from viaticos.rules_registry import enforces

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from viaticos.models import TravelerProfile

_M = TypeVar("_M", bound=Model)


def display_name(user: User) -> str:
    """The full name, or the user name when none was entered."""
    return user.get_full_name() or user.get_username()


def person_by_document(doc_type: str, number: str) -> TravelerProfile | None:
    """The traveler profile (with its user) whose identity document is `doc_type` `number`,
    or None. The only way to find a person by document: numbers are stored encrypted and
    compared through their keyed hash (viaticos.crypto). One query."""
    from viaticos.crypto import document_lookup_hash
    from viaticos.models import TravelerProfile

    digest = document_lookup_hash(doc_type, number)
    if not digest:
        return None
    return (
        TravelerProfile.objects.select_related("user")
        .filter(document_number_hash=digest)
        .order_by("pk")
        .first()
    )


# --- R-T2 blocking ---


@dataclass
class _Blocking:
    blocked_ids: Callable[[], QuerySet[Any, Any]] | None = None
    log_read: Callable[..., None] | None = None


_blocking = _Blocking()


def register_blocking(
    *, blocked_ids: Callable[[], QuerySet[Any, Any]], log_read: Callable[..., None]
) -> None:
    """Called by the privacy app: `blocked_ids()` is a values() queryset of the user ids whose
    data is blocked (used as a subquery); `log_read(actor=, person=, what=, record_key=)`."""
    _blocking.blocked_ids = blocked_ids
    _blocking.log_read = log_read


def blocked_person_ids() -> QuerySet[Any, Any]:
    """R-T2: the ids of the people whose data is blocked (a subquery, no query of its own)."""
    if _blocking.blocked_ids is None:
        return get_user_model().objects.none().values("pk")
    return _blocking.blocked_ids()


@enforces("R-T2")
def is_blocked_person(user: User | AnonymousUser | int | None) -> bool:
    """R-T2: the person's data is blocked (a cancelación held by a legal hold): kept, but their
    account cannot sign in and their data is hidden from ordinary use."""
    user_id = user if user is None or isinstance(user, int) else user.pk
    if not user_id:
        return False
    return get_user_model().objects.filter(pk=user_id, pk__in=blocked_person_ids()).exists()


# Who serves the purpose of the holds (R-T2): settling the pending advance or the sanction
# (accounting) and the ARCO request itself (the Oficial). Everybody else sees nothing.
HOLD_PURPOSE_ROLES = ("general_accountant", "accounting_assistant", "privacy_officer")


def serves_hold_purpose(user: User | AnonymousUser | None) -> bool:
    from viaticos.roles import Role, has_role

    return has_role(user, *(Role(r) for r in HOLD_PURPOSE_ROLES))


@enforces("R-T2")
def without_blocked(
    qs: QuerySet[_M], field: str = "pk", *, reader: User | AnonymousUser | None = None
) -> QuerySet[_M]:
    """R-T2: `qs` without the rows of blocked people (`field` leads to the person), unless
    `reader` serves the purpose of the hold (their reads of one record are logged by
    `log_blocked_read`)."""
    if reader is not None and serves_hold_purpose(reader):
        return qs
    return qs.exclude(**{f"{field}__in": blocked_person_ids()})


def with_blocked_flag(qs: QuerySet[_M], field: str) -> QuerySet[_M]:
    """`qs` with `person_blocked` (bool), read in the same query: whether the person `field`
    leads to is blocked (so that logging a read of their record costs no query of its own)."""
    blocked = get_user_model().objects.filter(pk=OuterRef(field), pk__in=blocked_person_ids())
    annotated: QuerySet[_M] = qs.annotate(person_blocked=Exists(blocked))
    return annotated


@enforces("R-S3", "R-T2")
def log_blocked_read(
    *,
    actor: User,
    person: User | None,
    what: str,
    record_key: str = "",
    blocked: bool | None = None,
) -> None:
    """R-T2, R-S3: a read of a blocked person's record for the purpose of the hold, logged
    (`blocked`: the `with_blocked_flag` already read, else it is asked)."""
    if _blocking.log_read is None or person is None:
        return
    if blocked if blocked is not None else is_blocked_person(person):
        _blocking.log_read(actor=actor, person=person, what=what, record_key=record_key)


# --- R-T3 erasures that must survive a restore ---

_erasure_log: list[Callable[..., None]] = []


def register_erasure_log(record: Callable[..., None]) -> None:
    """Called by the privacy app: `record(model=, pk=)` logs a record deleted at the person's
    request, so that a restore from an older backup deletes it again (privacy/erasures.py)."""
    _erasure_log[:] = [record]


@enforces("R-T3")
def erasure_noted(*, model: str, pk: int) -> None:
    """A record of a person's data was deleted at their request ("app.model", primary key)."""
    for record in _erasure_log:
        record(model=model, pk=pk)
