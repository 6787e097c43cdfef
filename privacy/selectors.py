"""Reads of the privacy app, shaped for pages, the API and other apps."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy import rules
from privacy.models import (
    AccessLogEntry,
    ArcoRequest,
    BlockedRecord,
    ConsentEvent,
    LegalHold,
    NoticeAcknowledgement,
    PrivacyNotice,
    Purpose,
    SecurityIncident,
)
from privacy.registry import Hold, declarations
from viaticos.business_days import BusinessCalendar
from viaticos.roles import Role, has_role
from viaticos.rules_registry import enforces

if TYPE_CHECKING:
    from viaticos.models import TravelerProfile


@enforces("R-P1")
def notice_current(today: dt.date | None = None) -> PrivacyNotice | None:
    """R-P1: the notice in force on `today` (the latest effective one)."""
    today = today or timezone.localdate()
    return (
        PrivacyNotice.objects.filter(effective_on__lte=today)
        .order_by("-effective_on", "-pk")
        .first()
    )


# The purpose about dependants (R-P4): asked only where the organization pays repatriation.
REPATRIATION_PURPOSE = "dependientes"


@enforces("R-P4")
def purposes_active():
    """The purposes in force. R-P4: no consent is asked (nor purpose announced) for data the
    product does not hold: without repatriation (VIATICOS_PAYS_REPATRIATION off) no dependant
    is recorded, so their purpose is left out."""
    from django.conf import settings

    purposes = Purpose.objects.filter(is_active=True)
    if not getattr(settings, "VIATICOS_PAYS_REPATRIATION", True):
        purposes = purposes.exclude(code=REPATRIATION_PURPOSE)
    return purposes


def consent_states(user) -> dict[int, ConsentEvent]:
    """The latest event per purpose for `user` (one query)."""
    latest: dict[int, ConsentEvent] = {}
    for event in ConsentEvent.objects.filter(user=user).order_by("at", "pk"):
        latest[event.purpose_id] = event
    return latest


def has_consent(user, purpose_code: str) -> bool:
    """R-P3: whether processing for an optional purpose may go on for this person right now.

    Other apps call this before processing that rests on consent (e.g. sending optional
    communications); a revocation turns it False at once.
    """
    if user is None or not getattr(user, "pk", None):
        return False
    last = (
        ConsentEvent.objects.filter(user=user, purpose__code=purpose_code)
        .order_by("-at", "-pk")
        .only("decision")
        .first()
    )
    return bool(last and last.decision == ConsentEvent.Decision.GIVEN)


def consent_prompt_needed(user, today: dt.date | None = None) -> bool:
    """R-P2: the notice in force has not been given to the person yet (no acknowledgement)."""
    return notice_banner(user, today) is not None


@dataclass(frozen=True)
class NoticeBanner:
    notice: PrivacyNotice
    undecided: int  # optional purposes (consent) the person has not answered yet


@enforces("R-P2")
def notice_banner(user, today: dt.date | None = None) -> NoticeBanner | None:
    """R-P2: the informative notice as a banner over the pages, until the person dismisses it
    for this version (a NoticeAcknowledgement); never a page standing between them and their
    work. `undecided` counts the optional purposes they may still decide on."""
    if not getattr(user, "is_authenticated", False):
        return None
    notice = notice_current(today)
    if notice is None or NoticeAcknowledgement.objects.filter(user=user, notice=notice).exists():
        return None
    decided = ConsentEvent.objects.filter(user=user).values("purpose_id")
    undecided = (
        purposes_active()
        .filter(legal_basis=Purpose.LegalBasis.CONSENT)
        .exclude(pk__in=decided)
        .count()
    )
    return NoticeBanner(notice=notice, undecided=undecided)


def is_blocked(key: str) -> bool:
    """R-T2: a blocked record is kept but hidden from ordinary use."""
    return BlockedRecord.objects.filter(key=key).exists()


# The keys under which a whole person is blocked: a cancelación held by a legal hold
# ("user:<pk>", subjects.subject_cancel) and the retention job's block of their identity data
# ("auth.user:<pk>", declarations).
PERSON_BLOCK_PREFIXES = ("user:", "auth.user:")


@enforces("R-T2")
def blocked_subject_ids() -> QuerySet:
    """R-T2: the user ids whose data is blocked, as a subquery; viaticos.people reads it (the
    one "is blocked" check every app uses: sign-in, lists, pages, API, admin)."""
    match = Q()
    for prefix in PERSON_BLOCK_PREFIXES:
        match |= Q(key__startswith=prefix)
    return BlockedRecord.objects.filter(match, subject__isnull=False).values("subject_id")


@enforces("R-T2")
def subject_holds(user, today: dt.date, *, exclude_request_id: int | None = None) -> list[Hold]:
    """R-T2: every legal hold on a person's data: declared by the apps, recorded by the
    officer, and the ARCO requests in course about them."""
    holds: list[Hold] = []
    for declaration in declarations():
        if declaration.holds:
            holds.extend(declaration.holds(user))
    legal = LegalHold.objects.filter(subject=user, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )
    holds.extend(_legal_hold(hold) for hold in legal)
    in_course = ArcoRequest.objects.filter(subject=user, status__in=ArcoRequest.OPEN_STATUSES)
    if exclude_request_id is not None:
        in_course = in_course.exclude(pk=exclude_request_id)
    holds.extend(_request_hold(request) for request in in_course)
    return holds


def _legal_hold(hold: LegalHold) -> Hold:
    return Hold(
        reason=f"{hold.get_reason_display()}: {hold.description}",
        data_kept=hold.category or "*",
        category=hold.category,
        scope=hold.category,
    )


def _request_hold(request: ArcoRequest) -> Hold:
    return Hold(
        reason=_("ARCO request in course (%(code)s)") % {"code": request.tracking_code},
        data_kept=_("All the data the request concerns"),
        category="privacy.arco",
    )


@enforces("R-T2")
def subjects_holds(user_ids, today: dt.date, *, chunk: int = 2000) -> dict[int, list[Hold]]:
    """R-T2: `subject_holds` for many people at once, in a few queries per chunk (the retention
    job). Declarations without `holds_bulk` are asked person by person."""
    from django.contrib.auth import get_user_model

    ids = sorted({i for i in user_ids if i is not None})
    result: dict[int, list[Hold]] = {i: [] for i in ids}
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        users = None
        for declaration in declarations():
            if declaration.holds_bulk:
                for user_id, holds in declaration.holds_bulk(part).items():
                    result[user_id].extend(holds)
            elif declaration.holds:
                if users is None:
                    users = get_user_model().objects.in_bulk(part)
                for user_id, user in users.items():
                    result[user_id].extend(declaration.holds(user))
        legal = LegalHold.objects.filter(subject_id__in=part, started_on__lte=today).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=today)
        )
        for hold in legal.order_by("pk"):
            result[hold.subject_id].append(_legal_hold(hold))
        in_course = ArcoRequest.objects.filter(
            subject_id__in=part, status__in=ArcoRequest.OPEN_STATUSES
        ).only("pk", "subject_id", "tracking_code")
        for request in in_course.order_by("pk"):
            assert request.subject_id is not None  # filtered by subject above
            result[request.subject_id].append(_request_hold(request))
    return result


def tracking_code_normalize(code: str) -> str:
    """ "abcd efgh-jkmn pqrs", "ABCDEFGHJKMNPQRS" and "ABCD-EFGH-JKMN-PQRS" are one code: typed
    from a letter or over the phone, with or without dashes, in any case (issue 20)."""
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(raw) == 16:
        return "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    return (code or "").strip().upper()


def arco_request_by_code(code: str) -> ArcoRequest:
    """Public lookup: an unknown code is a 404 (the public pages answer it with the lookup
    form again)."""
    request = ArcoRequest.objects.filter(tracking_code=tracking_code_normalize(code)).first()
    if request is None:
        raise Http404
    return request


def arco_request_by_code_and_document(code: str, document_number: str) -> ArcoRequest:
    """The acknowledgement again, later, from any browser: the code and the identity document
    number given when filing must both match (R-A1: nothing else is shown)."""
    number = "".join((document_number or "").split()).upper()
    request = ArcoRequest.objects.filter(tracking_code=tracking_code_normalize(code)).first()
    if request is None or not number or request.document_number.upper() != number:
        raise Http404
    return request


def arco_request_get_for_user(user, pk: int) -> ArcoRequest:
    """Only the Privacy Officer (and the Auditor, read-only) see ARCO files."""
    if not has_role(user, Role.PRIVACY_OFFICER, Role.AUDITOR):
        raise Http404
    request = (
        ArcoRequest.objects.select_related("subject")
        .prefetch_related("attachments", "deliveries")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    return request


def _data_pending() -> Q:
    """R-A2: acceso granted with the data to follow within 10 more business days, and not
    sent yet."""
    return Q(
        right=ArcoRequest.Right.ACCESO,
        status=ArcoRequest.Status.ANSWERED,
        data_delivery_due__isnull=False,
        data_delivered_on__isnull=True,
    )


def _in_course() -> Q:
    """What the officer still owes the requester: a request in course, or data to deliver."""
    return Q(status__in=ArcoRequest.OPEN_STATUSES) | _data_pending()


def data_pending(request: ArcoRequest) -> bool:
    return ArcoRequest.objects.filter(_data_pending(), pk=request.pk).exists()


@enforces("R-A7")
def arco_queue(*, open_only: bool = True) -> QuerySet[ArcoRequest]:
    """R-A7: the requests by the date something is due (then as filed): those in course and
    the data of an acceso still to deliver, or every request when `open_only` is False; a page
    of them goes through `with_urgency`."""
    qs = ArcoRequest.objects.annotate(
        awaiting_data=ExpressionWrapper(_data_pending(), output_field=BooleanField()),
        effective_due=_effective_due_sql(),
    ).order_by("effective_due", "pk")
    if open_only:
        qs = qs.filter(_in_course())
    return qs


@enforces("R-A7")
def with_urgency(
    requests: Iterable[ArcoRequest], today: dt.date, *, calendar: BusinessCalendar | None = None
) -> list[ArcoRequest]:
    """R-A7: each request with its urgency ("late", "soon", "ok"; "closed" once answered)."""
    cal = calendar or rules.arco_calendar()
    # Annotated by the request lists (awaiting_data, effective_due); urgency is set here.
    rows: list[Any] = list(requests)
    for row in rows:
        pending = row.is_open or row.awaiting_data
        row.urgency = rules.urgency(cal, row.effective_due, today) if pending else "closed"
    return rows


def _effective_due_sql() -> Case:
    """What is due next: the correction of an observed request, the data of an acceso granted
    with the data to follow, otherwise the answer."""
    return Case(
        When(
            status=ArcoRequest.Status.OBSERVED,
            correction_due_date__isnull=False,
            then=F("correction_due_date"),
        ),
        When(
            status=ArcoRequest.Status.ANSWERED,
            data_delivery_due__isnull=False,
            then=F("data_delivery_due"),
        ),
        default=F("due_date"),
        output_field=DateField(),
    )


@enforces("R-A7")
def arco_queue_counts(
    today: dt.date, *, calendar: BusinessCalendar | None = None
) -> dict[str, int]:
    """R-A7: how many requests are in course, late and due soon (the urgencies of
    `with_urgency`), counted in one query whatever the number of requests."""
    soon_until = rules.due_soon_until(calendar or rules.arco_calendar(), today)
    return (
        ArcoRequest.objects.filter(_in_course())
        .annotate(effective_due=_effective_due_sql())
        .aggregate(
            open=Count("pk"),
            late=Count("pk", filter=Q(effective_due__lt=today)),
            soon=Count("pk", filter=Q(effective_due__gte=today, effective_due__lte=soon_until)),
        )
    )


def incidents_pending_notification() -> list[SecurityIncident]:
    """R-S4: recent security incidents whose 48-hour notice is still to be given."""
    return [i for i in SecurityIncident.objects.all()[:50] if i.notification_pending]


@enforces("R-S4")
def queue_counts(today: dt.date) -> dict:
    """The Privacy Officer's home panel: the counts, the first requests, pending incidents."""
    calendar = rules.arco_calendar()
    return {
        **arco_queue_counts(today, calendar=calendar),
        "first": with_urgency(arco_queue()[:5], today, calendar=calendar),
        "incidents_pending": incidents_pending_notification(),
    }


def access_log(limit: int = 500):
    return AccessLogEntry.objects.select_related("actor", "subject")[:limit]


@dataclass(frozen=True)
class SubjectCandidate:
    """An account proposed as the person a request is about, and why (R-A1, R-A8)."""

    profile: TravelerProfile
    reasons: tuple[str, ...]

    @property
    def user_id(self) -> int:
        return self.profile.user_id

    @property
    def user(self):
        return self.profile.user


def _plain(text: str) -> list[str]:
    """Lower-case words without accents: "Lucía QUISPE" → ["lucia", "quispe"]."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return [word for word in "".join(c if c.isalnum() else " " for c in folded).lower().split()]


def _same_name(typed: str, user) -> bool:
    """Every word of the account's first and last names appears in the name typed (second
    surnames and middle names may be missing from the account)."""
    account = _plain(f"{user.first_name} {user.last_name}")
    return bool(account) and set(account) <= set(_plain(typed))


@enforces("R-A1")
def subject_candidates(request: ArcoRequest) -> list[SubjectCandidate]:
    """R-A1, R-A8: accounts proposed for a request, each with why. A document number is easy
    to know about a colleague: it never suffices alone; an account is proposed when at least
    two of document (type and number), name and e-mail agree. Two queries (the document
    through its keyed hash, viaticos.people.person_by_document)."""
    from viaticos.crypto import normalize_document_number
    from viaticos.models import TravelerProfile
    from viaticos.people import person_by_document

    email = (request.email or "").strip()
    by_document = person_by_document(request.document_type, request.document_number)
    match = Q(pk=by_document.pk) if by_document else Q(pk__in=[])
    if email:
        match |= Q(user__email__iexact=email)
    found = []
    for profile in TravelerProfile.objects.select_related("user").filter(match)[:20]:
        reasons = []
        if normalize_document_number(profile.document_number) == normalize_document_number(
            request.document_number
        ) and (profile.document_type == request.document_type):
            reasons.append(
                _("same identity document (%(type)s %(number)s)")
                % {"type": profile.get_document_type_display(), "number": profile.document_number}
            )
        if _same_name(request.full_name, profile.user):
            reasons.append(_("same name"))
        if email and (profile.user.email or "").strip().lower() == email.lower():
            reasons.append(_("same e-mail address"))
        if len(reasons) >= 2 or profile.user_id == request.subject_id:
            found.append(SubjectCandidate(profile=profile, reasons=tuple(reasons)))
    return found


def officer_designation(today: dt.date | None = None):
    """The designation of the Oficial de Datos Personales in force on `today` (or None), with
    the officer and deputy: named in notices, letters and incident reports. One query."""
    from privacy.models import OfficerDesignation

    today = today or timezone.localdate()
    return (
        OfficerDesignation.objects.select_related("officer", "deputy")
        .filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("-starts_on", "-pk")
        .first()
    )
