"""Personal data of the shared `viaticos` app and of `privacy` itself, declared to the registry.

(`missions` and `settlements` declare theirs in their own `privacy.py`; see privacy/registry.py.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db.models import Case, F, Max, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.registry import (
    Action,
    Candidate,
    Category,
    PersonalData,
    StartEvent,
    anonymize_subject,
    exclude_done,
    register,
)
from viaticos.rules_registry import enforces
from viaticos.services import delete_files_on_commit

ANON = "—"


def _user_key(user_id: int) -> str:
    return f"auth.user:{user_id}"


def _local(at: dt.datetime) -> dt.date:
    """The day a timestamp falls on at the duty station (not in UTC): what starts a clock."""
    return timezone.localdate(at)


# --- viaticos: accounts and traveler profiles ---


def _viaticos_export(user) -> dict:
    from viaticos.models import TravelerProfile

    data: dict[str, Any] = {
        "account": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        }
    }
    profile = TravelerProfile.objects.filter(user=user).first()
    if profile:
        data["traveler_profile"] = {
            "kind": profile.kind,
            "document_type": profile.document_type,
            "document_number": profile.document_number,
            "home_country": profile.home_country,
            "entity_kind": profile.entity_kind,
            "entity_name": profile.entity_name,
            "bank_name": profile.bank_name,
            "bank_account": profile.bank_account,
        }
    dependants = list(user.dependants.all())
    if dependants:
        data["dependants"] = [
            {
                "relationship": d.relationship,
                "full_name": d.full_name,
                "birth_date": d.birth_date.isoformat(),
                "email": d.email,
                "emergency_phone": d.emergency_phone,
                "legal_basis": d.legal_basis,
                "guardian_consent_at": d.guardian_consent_at.isoformat()
                if d.guardian_consent_at
                else None,
            }
            for d in dependants
        ]
    return data


@enforces("R-T4")
def anonymize_user(user) -> list[str]:
    """R-T4: names, identity numbers, bank accounts and contact data go, with their history."""
    from viaticos.models import TravelerProfile

    User = get_user_model()
    User.objects.filter(pk=user.pk).update(
        username=f"anonimo-{user.pk}",
        first_name="",
        last_name="",
        email="",
        is_active=False,
        password="!",  # unusable
    )
    removed = [str(_("name")), str(_("e-mail")), str(_("account"))]
    # R-P4: the dependants' records (and their history) go with the traveler's identity.
    from viaticos.models import Dependant

    if Dependant.objects.filter(traveler=user).exists():
        Dependant.objects.filter(traveler=user).delete()
        Dependant.history.filter(traveler_id=user.pk).delete()  # after: deleting writes one
        removed.append(str(_("dependants")))
    profile = TravelerProfile.objects.filter(user=user).first()
    if profile:
        wiped = {
            "document_number": ANON,
            "document_number_hash": "",  # nobody is found by the old number any more
            "bank_name": "",
            "bank_account": "",
            "entity_name": "",
        }
        TravelerProfile.objects.filter(pk=profile.pk).update(**wiped)
        profile.history.all().update(**wiped)  # the history would otherwise keep them
        profile.bank_changes.update(bank_name="", bank_account="")
        removed += [
            str(_("identity document number")),
            str(_("bank data")),
        ]
    return removed


def _identity_candidates():
    from privacy.models import RelationshipEnd

    for end in RelationshipEnd.objects.all():
        yield Candidate(
            key=_user_key(end.user_id), subject_id=end.user_id, clock_start=end.ended_on
        )
    yield from _inactive_people()


def _inactive(cutoff: dt.date | None = None):
    """R-T1 (issue 25): consultants, event support and partner staff often leave without anybody
    recording the end of their relationship; for them the clock starts at their last activity
    (sign-in or account creation), so their identity data is not kept for ever. Staff members
    have their end of relationship recorded by the administration."""
    from django.db.models.functions import Coalesce, Greatest

    from viaticos.models import TravelerProfile

    people = (
        get_user_model()
        .objects.filter(traveler_profile__isnull=False, relationship_end__isnull=True)
        .exclude(traveler_profile__kind=TravelerProfile.Kind.STAFF)
        .annotate(last_activity=Greatest(Coalesce("last_login", "date_joined"), "date_joined"))
    )
    if cutoff is not None:  # a day wider for time zones: each date is checked again
        people = people.filter(last_activity__date__lte=cutoff + dt.timedelta(days=1))
    return people


def _inactive_people(cutoff: dt.date | None = None, done_keys=None):
    people = _inactive(cutoff)
    if done_keys is not None:
        people = exclude_done(people, "auth.user", done_keys)
    for user_id, last in people.values_list("pk", "last_activity"):
        yield Candidate(key=_user_key(user_id), subject_id=user_id, clock_start=_local(last))


def _identity_due(cutoff, done_keys):
    from privacy.models import RelationshipEnd

    ends = exclude_done(
        RelationshipEnd.objects.filter(ended_on__lte=cutoff),
        "auth.user",
        done_keys,
        field="user_id",
    ).values_list("user_id", "ended_on")
    for user_id, ended_on in ends:
        yield Candidate(key=_user_key(user_id), subject_id=user_id, clock_start=ended_on)
    yield from _inactive_people(cutoff, done_keys)


def _identity_apply(candidate: Candidate, action: str) -> str:
    if candidate.subject_id is None:
        return "gone"
    user = get_user_model().objects.filter(pk=candidate.subject_id).first()
    if user is None:
        return "gone"
    # Logged for a restore by apply_retention, like every category's final action (R-T3).
    if action == Action.DELETE:
        user.delete()
        return "deleted"
    return "anonymized: " + ", ".join(anonymize_user(user))


DEPENDANT_KEY = "viaticos.dependant"
# A traveler with no end of relationship recorded (consultants, event and partner staff) and no
# activity for this long has no mission to be repatriated from.
DEPENDANT_INACTIVITY = dt.timedelta(days=365)


def _dependant_clocks(traveler_ids) -> dict[int, dt.date]:
    """R-T1, R-P4: when each traveler's dependants stop serving their purpose (repatriation
    during the traveler's missions, R-3.16): the end of the traveler's relationship, or, with
    none recorded, a year after their last activity (the inactivity rule of the identity
    data)."""
    from privacy.models import RelationshipEnd

    ends = RelationshipEnd.objects.filter(user_id__in=traveler_ids)
    clocks = dict(ends.values_list("user_id", "ended_on"))
    inactive = _inactive().filter(pk__in=traveler_ids)
    for user_id, last in inactive.values_list("pk", "last_activity"):
        clocks.setdefault(user_id, _local(last) + DEPENDANT_INACTIVITY)
    return clocks


def _dependant_candidates():
    from viaticos.models import Dependant

    rows = list(Dependant.objects.values_list("pk", "traveler_id"))
    if not rows:
        return  # one query when nobody has dependants
    clocks = _dependant_clocks({traveler_id for _pk, traveler_id in rows})
    for pk, traveler_id in rows:
        if traveler_id in clocks:
            yield Candidate(
                key=f"{DEPENDANT_KEY}:{pk}",
                subject_id=traveler_id,
                clock_start=clocks[traveler_id],
            )


def _dependants_apply_bulk(candidates, action: str) -> dict[str, str]:
    """The dependants' records and their history go (nothing of them supports the books)."""
    from viaticos.models import Dependant

    pks = _pks(candidates)
    Dependant.objects.filter(pk__in=pks).delete()
    Dependant.history.filter(id__in=pks).delete()  # after: deleting writes one
    return {c.key: "deleted" for c in candidates}


def _dependant_apply(candidate: Candidate, action: str) -> str:
    return _dependants_apply_bulk([candidate], action)[candidate.key]


LOGIN_LOG_KEY = "axes.accesslog"


def _login_log_candidates():
    """django-axes' login log (username, IP address, user agent of every sign-in): kept like
    the access log (R-S3: 2 years, from the local date of the sign-in), then deleted. Its failed
    attempts (AccessAttempt) need no rule: axes deletes them after the cool-off and on a
    successful sign-in (AXES_COOLOFF_TIME, AXES_RESET_ON_SUCCESS), and its failure log is off."""
    from axes.models import AccessLog

    for pk, at in AccessLog.objects.values_list("pk", "attempt_time"):
        yield Candidate(key=f"{LOGIN_LOG_KEY}:{pk}", subject_id=None, clock_start=_local(at))


def _login_log_due(cutoff, done_keys):
    from axes.models import AccessLog

    due = exclude_done(
        AccessLog.objects.filter(attempt_time__date__lte=cutoff),  # the local date
        LOGIN_LOG_KEY,
        done_keys,
    ).values_list("pk", "attempt_time")
    for pk, at in due:
        yield Candidate(key=f"{LOGIN_LOG_KEY}:{pk}", subject_id=None, clock_start=_local(at))


OUTBOX_KEY = "viaticos.outboxmessage"


def _outbox_candidates():
    """The outbox (viaticos.outbox) holds names, addresses and the text of every e-mail. A
    message that went out is kept VIATICOS_OUTBOX_KEEP_DAYS days (to show that it did), one
    that could not be delivered as long after it was written (for the administrators to see
    and retry), then deleted. A message still waiting is never a candidate. The clock starts
    when those days are over, so the period is 0 years."""
    from django.conf import settings

    from viaticos.models import OutboxMessage

    keep = dt.timedelta(days=settings.VIATICOS_OUTBOX_KEEP_DAYS)
    S = OutboxMessage.Status
    rows = OutboxMessage.objects.filter(status__in=[S.SENT, S.FAILED]).values_list(
        "pk", "status", "sent_at", "created_at"
    )
    for pk, status, sent_at, created_at in rows:
        at = sent_at if status == S.SENT and sent_at else created_at
        yield Candidate(key=f"{OUTBOX_KEY}:{pk}", subject_id=None, clock_start=_local(at + keep))


# --- privacy: ARCO requests, consent evidence, access log ---


def _privacy_export(user) -> dict:
    from privacy.models import ArcoRequest, ConsentEvent, NoticeAcknowledgement

    return {
        "consents": [
            {
                "purpose": e.purpose.code,
                "decision": e.decision,
                "at": e.at.isoformat(),
                "channel": e.channel,
                "notice_hash": e.notice_hash,
            }
            for e in ConsentEvent.objects.filter(user=user).select_related("purpose")
        ],
        "notices_acknowledged": [
            {"notice": a.notice.version, "at": a.at.isoformat()}
            for a in NoticeAcknowledgement.objects.filter(user=user).select_related("notice")
        ],
        "arco_requests": [
            {
                "tracking_code": r.tracking_code,
                "right": r.right,
                "status": r.status,
                "received_on": r.received_on.isoformat(),
            }
            for r in ArcoRequest.objects.filter(subject=user)
        ],
        "processing": processing_summary(),
    }


@enforces("R-A8", "R-S1", "R-S2")
def processing_summary() -> dict:
    """R-A8 acceso (Law art. 19): besides the data, where it came from, what it is used for,
    who receives it and where it is transferred, read from the registers (R-S1, R-S2)."""
    from django.utils.translation import get_language

    from privacy.models import DataBank, Processor, Purpose, Transfer

    english = (get_language() or "es").startswith("en")
    return {
        "sources": [
            {"data_bank": bank.name, "how_collected": bank.collection}
            for bank in DataBank.objects.order_by("name")
        ],
        "purposes": [
            {
                "code": purpose.code,
                "name": purpose.name_en if english else purpose.name_es,
                "legal_basis": purpose.legal_basis,
                "legal_reference": purpose.legal_reference,
            }
            for purpose in Purpose.objects.filter(is_active=True)
        ],
        "recipients": [
            {"processor": p.name, "service": p.service, "country": p.country}
            for p in Processor.objects.order_by("name")
        ],
        "transfers": [
            {
                "recipient": t.recipient,
                "country": t.country,
                "purpose": t.purpose,
                "guarantee": t.guarantee,
            }
            for t in Transfer.objects.order_by("recipient")
        ],
    }


def _privacy_anonymize(user) -> list[str]:
    from privacy.models import ConsentEvent, NoticeAcknowledgement

    # The evidence of consent and of the notice shown is kept (R-P2, R-P3: the burden of
    # proof) but without network traces.
    ConsentEvent.objects.filter(user=user).update(ip_address=None, user_agent="")
    removed = [str(_("IP addresses of consent records"))]
    if NoticeAcknowledgement.objects.filter(user=user).update(ip_address=None, user_agent=""):
        removed.append(str(_("IP addresses and browsers of the privacy notice acknowledgements")))
    return removed


def _arco_candidates():
    from privacy.models import ArcoRequest

    for r in ArcoRequest.objects.filter(closed_on__isnull=False).only(
        "pk", "subject_id", "closed_on"
    ):
        yield Candidate(
            key=f"privacy.arcorequest:{r.pk}", subject_id=r.subject_id, clock_start=r.closed_on
        )


def _arco_due(cutoff, done_keys):
    from privacy.models import ArcoRequest

    due = exclude_done(
        ArcoRequest.objects.filter(closed_on__lte=cutoff),
        ARCO_KEY,
        done_keys,
    ).values_list("pk", "subject_id", "closed_on")
    for pk, subject_id, closed_on in due:
        yield Candidate(key=f"{ARCO_KEY}:{pk}", subject_id=subject_id, clock_start=closed_on)


def _pks(candidates) -> list[int]:
    return [int(c.key.rsplit(":", 1)[1]) for c in candidates]


def _deleted_by_pk(model: str) -> dict:
    """`apply` and `apply_bulk` of a category whose records are deleted ("<prefix>:<pk>" keys):
    one query for any number of them."""

    def apply_bulk(candidates, action: str) -> dict[str, str]:
        apps.get_model(model).objects.filter(pk__in=_pks(candidates)).delete()
        return {c.key: "deleted" for c in candidates}

    def apply(candidate: Candidate, action: str) -> str:
        return apply_bulk([candidate], action)[candidate.key]

    return {"apply": apply, "apply_bulk": apply_bulk}


def _arco_apply_bulk(candidates, action: str) -> dict[str, str]:
    """`_arco_apply` for many requests in a few queries; files go after commit (R-T4)."""
    from privacy.models import ArcoAttachment, ArcoRequest

    ids = _pks(candidates)
    present = set(ArcoRequest.objects.filter(pk__in=ids).values_list("pk", flat=True))
    attachments = ArcoAttachment.objects.filter(request_id__in=present)
    delete_files_on_commit(attachments.values_list("storage_name", flat=True))
    if action == Action.DELETE:
        ArcoRequest.history.filter(id__in=present).delete()
        attachments.delete()
        ArcoRequest.objects.filter(pk__in=present).delete()
        done = "deleted"
    else:
        wiped = dict(ARCO_WIPE)
        attachments.delete()
        _wipe_deliveries(present)
        ArcoRequest.objects.filter(pk__in=present).update(response_letter="", **wiped)
        wiped.pop("ip_address")
        ArcoRequest.history.filter(id__in=present).update(**wiped)
        done = "anonymized"
    return {c.key: done if pk in present else "gone" for c, pk in zip(candidates, ids, strict=True)}


ARCO_KEY = "privacy.arcorequest"
ARCO_WIPE = {
    "full_name": ANON,
    "document_number": ANON,
    "email": "",
    "address": "",
    "request_detail": ANON,
    "representative_name": "",
    "representative_document_number": "",
    "correction_text": "",
    # The officer's texts to the requester name them (and the letter quotes their data).
    "observations": "",
    "extension_reason": "",
    "response_text": ANON,
    "ip_address": None,
    "anonymized": True,
}


def _wipe_deliveries(request_ids) -> None:
    """R-T4: where the messages went (e-mail, postal address) goes; kind, channel, status and
    date stay as evidence of R-A6. A failure's detail may quote the address: it goes too."""
    from privacy.models import ArcoDelivery

    ArcoDelivery.objects.filter(request_id__in=request_ids).update(
        to=ANON,
        detail=Case(When(status=ArcoDelivery.Status.FAILED, then=Value("")), default=F("detail")),
    )


def anonymize_arco_request(request) -> None:
    """R-T4: the requester's identity and files go; dates, right and outcome stay."""
    from privacy.models import ArcoRequest

    wiped = dict(ARCO_WIPE)
    for attachment in request.attachments.all():
        default_storage.delete(attachment.storage_name)
    request.attachments.all().delete()
    _wipe_deliveries([request.pk])
    ArcoRequest.objects.filter(pk=request.pk).update(response_letter="", **wiped)
    wiped.pop("ip_address")
    request.history.all().update(**wiped)


def _arco_apply(candidate: Candidate, action: str) -> str:
    from privacy.models import ArcoRequest

    request = ArcoRequest.objects.filter(pk=int(candidate.key.rsplit(":", 1)[1])).first()
    if request is None:
        return "gone"
    if action == Action.DELETE:
        for attachment in request.attachments.all():
            default_storage.delete(attachment.storage_name)
        request.history.all().delete()
        request.delete()
        return "deleted"
    anonymize_arco_request(request)
    return "anonymized"


CONSENT_KEY = "privacy.consent"


def _consent_key(user_id: int, purpose_id: int, clock_start: dt.date) -> str:
    """One key per cycle of a person's consent to a purpose, dated by the day it stopped being
    in force: a consent given again after its evidence was deleted is a new record, due in its
    turn (R-T1), not one already done."""
    return f"{CONSENT_KEY}:{user_id}:{purpose_id}:{clock_start.isoformat()}"


def _consent_candidates():
    """Consent evidence: the clock starts when the consent stopped being in force."""
    from privacy.models import ConsentEvent

    latest = (
        ConsentEvent.objects.values("user_id", "purpose_id")
        .annotate(last=Max("at"))
        .order_by("user_id", "purpose_id")
    )
    given = set(
        ConsentEvent.objects.filter(decision=ConsentEvent.Decision.GIVEN).values_list(
            "user_id", "purpose_id", "at"
        )
    )
    for row in latest:
        if (row["user_id"], row["purpose_id"], row["last"]) in given:
            continue  # still in force
        ended = _local(row["last"])
        yield Candidate(
            key=_consent_key(row["user_id"], row["purpose_id"], ended),
            subject_id=row["user_id"],
            clock_start=ended,
        )


def _consent_due(cutoff, done_keys):
    """As `_consent_candidates`, the date filter and the done keys applied in the queries."""
    from privacy.models import ConsentEvent

    bound = cutoff + dt.timedelta(days=2)  # a day wider than the clock (time zones)
    latest = (
        ConsentEvent.objects.values("user_id", "purpose_id")
        .annotate(last=Max("at"))
        .filter(last__date__lt=bound)
        .order_by("user_id", "purpose_id")
    )
    given = set(
        ConsentEvent.objects.filter(
            decision=ConsentEvent.Decision.GIVEN, at__date__lt=bound
        ).values_list("user_id", "purpose_id", "at")
    )
    done = {row["record_key"] for row in done_keys.filter(record_key__startswith=CONSENT_KEY + ":")}
    for row in latest:
        if (row["user_id"], row["purpose_id"], row["last"]) in given:
            continue
        ended = _local(row["last"])
        key = _consent_key(row["user_id"], row["purpose_id"], ended)
        if key not in done:
            yield Candidate(key=key, subject_id=row["user_id"], clock_start=ended)


def _consent_apply(candidate: Candidate, action: str) -> str:
    """The events of the cycle that ended on the clock's day (none recorded after it)."""
    from privacy.models import ConsentEvent

    _prefix, user_id, purpose_id, _ended = candidate.key.split(":")
    count, _detail = ConsentEvent.objects.filter(
        user_id=user_id, purpose_id=purpose_id, at__date__lte=candidate.clock_start
    ).delete()
    return f"deleted {count}"


NOTICE_ACK_KEY = "privacy.noticeack"


def _notices_replaced() -> dict[int, dt.date]:
    """Each privacy notice replaced by a later version, with the day the next one took effect
    (the order of `selectors.notice_current`)."""
    from privacy.models import PrivacyNotice

    notices = list(
        PrivacyNotice.objects.order_by("effective_on", "pk").values_list("pk", "effective_on")
    )
    return {pk: after for (pk, _on), (_next, after) in zip(notices, notices[1:], strict=False)}


def _notice_ack_candidates():
    """Acknowledgements of the privacy notice (R-P2: the duty to inform, with IP address and
    user agent) are evidence like consent (R-P3) and kept like it (R-T1: in force plus 5
    years): 5 years from the day the acknowledged notice was replaced by a later version. The
    acknowledgement of the notice in force is never due, so a person is never asked again for
    a notice they acknowledged; a cancelación clears its IP address and user agent earlier."""
    from privacy.models import NoticeAcknowledgement

    replaced = _notices_replaced()
    acks = NoticeAcknowledgement.objects.filter(notice_id__in=replaced)
    for pk, user_id, notice_id in acks.values_list("pk", "user_id", "notice_id"):
        yield Candidate(f"{NOTICE_ACK_KEY}:{pk}", user_id, replaced[notice_id])


def _notice_ack_due(cutoff, done_keys):
    from privacy.models import NoticeAcknowledgement

    replaced = {pk: day for pk, day in _notices_replaced().items() if day <= cutoff}
    if not replaced:
        return
    acks = exclude_done(
        NoticeAcknowledgement.objects.filter(notice_id__in=replaced), NOTICE_ACK_KEY, done_keys
    )
    for pk, user_id, notice_id in acks.values_list("pk", "user_id", "notice_id"):
        yield Candidate(f"{NOTICE_ACK_KEY}:{pk}", user_id, replaced[notice_id])


CANCELLATION_KEY = "privacy.cancellation"
# subjects.subject_cancel blocks the person's data as "user:<pk>" when a legal hold applies.
CANCELLATION_BLOCK_PREFIX = "user:"


def _cancellation_candidates():
    """R-A8: a cancelación blocked by a legal hold is carried out once no hold applies (the
    answer said so). Period 0 from the day of the block: due at once, and the retention job
    blocks it (R-T2) while any hold of the person applies (`whole_person`). One key per block,
    so that a later block of the same person is carried out in its turn."""
    from privacy.models import BlockedRecord

    blocks = BlockedRecord.objects.filter(key__startswith=CANCELLATION_BLOCK_PREFIX)
    for key, subject_id, since in blocks.values_list("key", "subject_id", "since"):
        user_id = key.removeprefix(CANCELLATION_BLOCK_PREFIX)
        yield Candidate(
            key=f"{CANCELLATION_KEY}:{user_id}:{since.isoformat()}",
            subject_id=subject_id,
            clock_start=since,
            blocked_key=key,
        )


def _cancellation_apply(candidate: Candidate, action: str) -> str:
    """Anonymize as the cancelación does (a deletion would break the books, R-T4: any final
    action anonymizes); the retention job then lifts the block."""
    user_id = candidate.blocked_key.removeprefix(CANCELLATION_BLOCK_PREFIX)
    user = get_user_model().objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        return "gone"
    removed = anonymize_subject(user)
    return "anonymized: " + (", ".join(str(r) for r in removed) or "nothing")


def _access_log_candidates():
    from privacy.models import AccessLogEntry

    for entry in AccessLogEntry.objects.only("pk", "at", "subject_id"):
        yield Candidate(
            key=f"privacy.accesslog:{entry.pk}",
            subject_id=None,  # the log itself is never held back by the person's holds
            clock_start=_local(entry.at),
        )


def _access_log_due(cutoff, done_keys):
    from privacy.models import AccessLogEntry

    due = exclude_done(
        AccessLogEntry.objects.filter(at__date__lte=cutoff + dt.timedelta(days=1)),
        "privacy.accesslog",
        done_keys,
    ).values_list("pk", "at")
    for pk, at in due:
        yield Candidate(key=f"privacy.accesslog:{pk}", subject_id=None, clock_start=_local(at))


def register_builtin() -> None:
    register(
        PersonalData(
            app="viaticos",
            categories=[
                Category(
                    code="viaticos.traveler_identity",
                    label=_("Travelers' identity, contact and bank data"),
                    sensitive=True,
                    period_years=6,
                    start_event=StartEvent.END_OF_RELATIONSHIP,
                    legal_basis=_(
                        "Support of accounting and tax records (Código Tributario arts. 43 and "
                        "87); without a recorded end of the relationship, the clock starts at the "
                        "person's last activity (consultants, event and partner staff)"
                    ),
                    action=Action.ANONYMIZE,
                    candidates=_identity_candidates,
                    due_candidates=_identity_due,
                    apply=_identity_apply,
                ),
                Category(
                    code="viaticos.dependants",
                    label=_("Travelers' dependants (spouse, children) for repatriation"),
                    period_years=0,
                    start_event=StartEvent.END_OF_RELATIONSHIP,
                    legal_basis=_(
                        "Repatriation benefit of the traveler's contract (R-3.16) or the "
                        "guardian's consent: the purpose ends with the traveler's relationship; "
                        "without a recorded end, one year after the traveler's last activity"
                    ),
                    action=Action.DELETE,
                    candidates=_dependant_candidates,
                    apply=_dependant_apply,
                    apply_bulk=_dependants_apply_bulk,
                ),
                Category(
                    code="viaticos.login_log",
                    label=_("Login log (django-axes)"),
                    period_years=2,
                    start_event=StartEvent.RECORDED,
                    legal_basis=_("Security directive (R.D. 019-2013-JUS/DGPDP)"),
                    action=Action.DELETE,
                    candidates=_login_log_candidates,
                    due_candidates=_login_log_due,
                    **_deleted_by_pk("axes.AccessLog"),
                ),
                Category(
                    code="viaticos.outbox",
                    label=_(
                        "Outgoing e-mails (outbox): kept VIATICOS_OUTBOX_KEEP_DAYS days after "
                        "they went out or could not be delivered"
                    ),
                    period_years=0,
                    start_event=StartEvent.RECORDED,
                    legal_basis=_(
                        "Delivery of the notices the rules require; evidence that they went out"
                    ),
                    action=Action.DELETE,
                    candidates=_outbox_candidates,
                    **_deleted_by_pk("viaticos.OutboxMessage"),
                ),
            ],
            export=_viaticos_export,
            anonymize=anonymize_user,
        )
    )
    register(
        PersonalData(
            app="privacy",
            categories=[
                Category(
                    code="privacy.arco_requests",
                    label=_("ARCO requests and their evidence"),
                    period_years=5,
                    start_event=StartEvent.REQUEST_CLOSED,
                    legal_basis=_("Evidence of compliance with Ley 29733 (D.S. 016-2024-JUS)"),
                    action=Action.ANONYMIZE,
                    candidates=_arco_candidates,
                    apply=_arco_apply,
                    due_candidates=_arco_due,
                    apply_bulk=_arco_apply_bulk,
                ),
                Category(
                    code="privacy.consent_evidence",
                    label=_("Consent evidence"),
                    period_years=5,
                    start_event=StartEvent.CONSENT_ENDED,
                    legal_basis=_("Burden of proof of consent (Ley 29733 art. 13, R-P3)"),
                    action=Action.DELETE,
                    candidates=_consent_candidates,
                    due_candidates=_consent_due,
                    apply=_consent_apply,
                ),
                Category(
                    code="privacy.notice_acknowledgements",
                    label=_("Acknowledgements of the privacy notice"),
                    period_years=5,
                    start_event=StartEvent.NOTICE_SUPERSEDED,
                    legal_basis=_("Proof of having informed (Ley 29733 art. 18, R-P2)"),
                    action=Action.DELETE,
                    candidates=_notice_ack_candidates,
                    due_candidates=_notice_ack_due,
                    **_deleted_by_pk("privacy.NoticeAcknowledgement"),
                ),
                Category(
                    code="privacy.blocked_cancellations",
                    label=_("Personal data blocked on a cancellation request"),
                    period_years=0,
                    start_event=StartEvent.BLOCKED,
                    legal_basis=_(
                        "Ley 29733 art. 20 (R-A8): the erasure is carried out when the legal "
                        "obligations to keep the data end"
                    ),
                    action=Action.ANONYMIZE,
                    candidates=_cancellation_candidates,
                    apply=_cancellation_apply,
                    whole_person=True,
                ),
                Category(
                    code="privacy.access_log",
                    label=_("Access log"),
                    period_years=2,
                    start_event=StartEvent.RECORDED,
                    legal_basis=_("Security directive (R.D. 019-2013-JUS/DGPDP)"),
                    action=Action.DELETE,
                    candidates=_access_log_candidates,
                    due_candidates=_access_log_due,
                    **_deleted_by_pk("privacy.AccessLogEntry"),
                ),
            ],
            export=_privacy_export,
            anonymize=_privacy_anonymize,
        )
    )
