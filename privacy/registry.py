"""How each app declares the personal data it holds (like django-gdpr-assist's PrivacyMeta).

`privacy/` never imports `missions/` or `settlements/`. Instead each app with personal data adds a
small `<app>/privacy.py` and registers, from its AppConfig.ready()::

    from privacy.registry import Category, Candidate, Hold, PersonalData, register

    register(PersonalData(
        app="settlements",
        categories=[Category(
            code="settlements.accounting_support",
            label=_("Settlements and their receipts"),
            sensitive=True,                     # economic data (R-P4)
            period_years=6, start_event=StartEvent.YEAR_AFTER_SETTLEMENT,
            legal_basis=_("Código Tributario arts. 43 and 87"), action=Action.ANONYMIZE,
            candidates=lambda: ...,             # -> Iterable[Candidate]
            apply=lambda candidate, action: ..., # block / anonymize / delete ONE record (R-T4)
            # optional set-based variants, used by apply_retention when given:
            due_candidates=lambda cutoff, done_keys: ...,  # SQL: clock start <= cutoff,
                                                # record key not in done_keys (a subquery)
            apply_bulk=lambda candidates, action: {...},  # key -> detail, a few queries per call
        )],
        export=lambda user: {...},              # R-A8 acceso: JSON-serialisable dict
        anonymize=lambda user: [...],           # R-A8 cancelación: returns what was removed
        holds=lambda user: [Hold(...)],         # R-T2: e.g. an open settlement, a sanction
        holds_bulk=lambda user_ids: {user_id: [Hold(...)]},  # optional: the same, in bulk
    ))

Rules every declaration keeps:
- `anonymize` and `apply(..., "anonymize")` remove names, identity numbers, bank accounts,
  contact data and files, and keep amounts, dates and accounting document numbers (R-T4).
- `holds` returns the legal holds that forbid deleting or anonymizing the person's data now
  (open settlement, sanction in course, litigation...); privacy adds the manual LegalHold rows
  and the ARCO requests in course itself.
- Every callable is optional except `app`; a missing one means "nothing of that kind here".
- `due_candidates(cutoff, done_keys)` may return a superset of the due records (e.g. a date
  filter a day wider for time zones): apply_retention re-checks each clock start in Python. It
  must leave out the records whose key is in `done_keys` (a queryset of `record_key` values: the
  final action already taken). `apply_bulk` must do exactly what `apply` does for each record;
  files are deleted after commit. Without them the per-record path is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from viaticos.rules_registry import enforces

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise  # a gettext_lazy string


class StartEvent(models.TextChoices):
    """What starts the retention clock of a category (R-T1)."""

    END_OF_MISSION = "end_of_mission", _("End of the mission")
    YEAR_AFTER_SETTLEMENT = (
        "year_after_settlement",
        _("1 January after the year of the settlement"),
    )
    END_OF_RELATIONSHIP = "end_of_relationship", _("End of the relationship")
    REQUEST_CLOSED = "request_closed", _("Closing of the request")
    CONSENT_ENDED = "consent_ended", _("End of the consent (revocation)")
    NOTICE_SUPERSEDED = "notice_superseded", _("Replacement of the privacy notice")
    BLOCKED = "blocked", _("Blocking of the data on a cancellation request")
    RECORDED = "recorded", _("Date the record was made")


class Action(models.TextChoices):
    """What happens at the end of the retention period (R-T1)."""

    BLOCK = "block", _("Block")
    ANONYMIZE = "anonymize", _("Anonymize")
    DELETE = "delete", _("Delete")


@dataclass(frozen=True)
class Candidate:
    """One record whose retention clock has started."""

    key: str  # stable, e.g. "viaticos.travelerprofile:12"
    subject_id: int | None  # the user the record is about, when there is one
    clock_start: dt.date
    # The BlockedRecord the record is kept under while a hold applies, when it is not `key`
    # (a cancelación blocked as "user:<pk>"); lifted once the final action is taken.
    blocked_key: str = ""


@dataclass(frozen=True)
class Hold:
    """A legal hold (R-T2): why the data must be kept for now.

    It keeps all the person's data (`category` only says where it comes from), unless `scope`
    names the one data category it keeps: a LegalHold recorded for a category
    (privacy/retention.py).
    """

    reason: str
    data_kept: str
    category: str = ""
    scope: str = ""


@dataclass(frozen=True)
class Category:
    code: str
    label: str | StrPromise
    period_years: int
    start_event: str
    legal_basis: str | StrPromise
    action: str
    sensitive: bool = False
    candidates: Callable[[], Iterable[Candidate]] | None = None
    apply: Callable[[Candidate, str], str] | None = None
    due_candidates: Callable[[dt.date, Any], Iterable[Candidate]] | None = None
    apply_bulk: Callable[[list[Candidate], str], dict[str, str]] | None = None
    # Its action reaches all the person's data (a cancelación): every hold applies to it,
    # whatever category the hold was recorded for (R-T2).
    whole_person: bool = False


@dataclass(frozen=True)
class PersonalData:
    app: str
    categories: list[Category] = field(default_factory=list)
    export: Callable[..., dict] | None = None
    anonymize: Callable[..., list[str]] | None = None
    holds: Callable[..., list[Hold]] | None = None
    holds_bulk: Callable[[Iterable[int]], dict[int, list[Hold]]] | None = None


_registry: dict[str, PersonalData] = {}


def register(declaration: PersonalData) -> None:
    """Declare (or replace) an app's personal data."""
    _registry[declaration.app] = declaration


def unregister(app: str) -> None:
    _registry.pop(app, None)


def declarations() -> list[PersonalData]:
    return list(_registry.values())


def categories() -> dict[str, Category]:
    return {c.code: c for d in _registry.values() for c in d.categories}


def category(code: str) -> Category | None:
    return categories().get(code)


def anonymize_subject(user) -> list[str]:
    """R-A8 cancelación, R-T4: every app's `anonymize` on the person; what was removed.

    The one way a person is anonymized, whether the cancelación is carried out at once or by the
    retention job once the holds that blocked it have ended.
    """
    from privacy.erasures import SUBJECT, erasure_record

    removed: list[str] = []
    for declaration in declarations():
        if declaration.anonymize:
            removed.extend(declaration.anonymize(user))
    erasure_record(user_id=user.pk, scope=SUBJECT)  # replayed after a restore (R-T3)
    return removed


def exclude_done(queryset, prefix: str, done_keys, field: str = "pk"):
    """`queryset` without the records whose key "<prefix>:<field>" is in `done_keys` (the
    retention actions already logged), left out in SQL for `Category.due_candidates`."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    key = Concat(Value(prefix + ":"), Cast(field, CharField()), output_field=CharField())
    return queryset.annotate(retention_key=key).exclude(retention_key__in=done_keys)


@enforces("R-A8")
def subject_export(user) -> dict:
    """R-A8 acceso: everything every app holds about the person (JSON-serialisable)."""
    data: dict = {}
    for declaration in declarations():
        if declaration.export:
            data[declaration.app] = declaration.export(user)
    return data


# Shown in letters and exports by their last four characters only (they also go by e-mail).
MASKED_FIELDS = frozenset({"document_number", "bank_account"})


def _shown(field: str, value: str) -> str:
    if field in MASKED_FIELDS and len(value) > 4:
        return "…" + value[-4:]
    return value or "—"


@enforces("R-A1", "R-A8")
def subject_export_masked(user) -> dict:
    """R-A8 acceso and portability as sent out of the organization (by e-mail, link, or to
    another controller): the identity document and bank account show only their last four
    characters (R-A1: the export must not hand a traveler's payment data to whoever poses as
    them); the person sees them in full signed in to their account."""
    return _masked(subject_export(user))


def _masked(value, key: str = ""):
    if isinstance(value, dict):
        return {k: _masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, key) for v in value]
    if key in MASKED_FIELDS and isinstance(value, str) and value:
        return _shown(key, value)
    return value
