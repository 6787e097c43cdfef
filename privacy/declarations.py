"""Personal data of the shared `viaticos` app and of `privacy` itself, declared to the registry.

(`missions` and `settlements` declare theirs in their own `privacy.py`; see privacy/registry.py.)
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from privacy.registry import (
    Action,
    Candidate,
    Category,
    PersonalData,
    StartEvent,
    exclude_done,
    register,
)
from viaticos.rules_registry import enforces

ANON = "—"


def _user_key(user_id: int) -> str:
    return f"auth.user:{user_id}"


# --- viaticos: accounts and traveler profiles ---


def _viaticos_export(user) -> dict:
    from viaticos.models import TravelerProfile

    data = {
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
    profile = TravelerProfile.objects.filter(user=user).first()
    if profile:
        wiped = {
            "document_number": ANON,
            "bank_name": "",
            "bank_account": "",
            "entity_name": "",
        }
        TravelerProfile.objects.filter(pk=profile.pk).update(**wiped)
        profile.history.all().update(**wiped)  # the history would otherwise keep them
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


def _identity_apply(candidate: Candidate, action: str) -> str:
    user = get_user_model().objects.filter(pk=candidate.subject_id).first()
    if user is None:
        return "gone"
    if action == Action.DELETE:
        user.delete()
        return "deleted"
    return "anonymized: " + ", ".join(anonymize_user(user))


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
    }


def _privacy_anonymize(user) -> list[str]:
    from privacy.models import ConsentEvent

    # Consent evidence is kept (R-P3: the burden of proof) but without network traces.
    ConsentEvent.objects.filter(user=user).update(ip_address=None, user_agent="")
    return [str(_("IP addresses of consent records"))]


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


def _delete_files_on_commit(names) -> None:
    names = [n for n in names if n]
    if names:
        transaction.on_commit(lambda: [default_storage.delete(n) for n in names])


def _arco_apply_bulk(candidates, action: str) -> dict[str, str]:
    """`_arco_apply` for many requests in a few queries; files go after commit (R-T4)."""
    from privacy.models import ArcoAttachment, ArcoRequest

    ids = _pks(candidates)
    present = set(ArcoRequest.objects.filter(pk__in=ids).values_list("pk", flat=True))
    attachments = ArcoAttachment.objects.filter(request_id__in=present)
    _delete_files_on_commit(attachments.values_list("storage_name", flat=True))
    if action == Action.DELETE:
        ArcoRequest.history.filter(id__in=present).delete()
        attachments.delete()
        ArcoRequest.objects.filter(pk__in=present).delete()
        done = "deleted"
    else:
        wiped = dict(ARCO_WIPE)
        attachments.delete()
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
    "ip_address": None,
    "anonymized": True,
}


def anonymize_arco_request(request) -> None:
    """R-T4: the requester's identity and files go; dates, right and outcome stay."""
    from privacy.models import ArcoRequest

    wiped = dict(ARCO_WIPE)
    for attachment in request.attachments.all():
        default_storage.delete(attachment.storage_name)
    request.attachments.all().delete()
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
        yield Candidate(
            key=f"privacy.consent:{row['user_id']}:{row['purpose_id']}",
            subject_id=row["user_id"],
            clock_start=row["last"].date(),
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
    done = {
        row["record_key"] for row in done_keys.filter(record_key__startswith="privacy.consent:")
    }
    for row in latest:
        key = f"privacy.consent:{row['user_id']}:{row['purpose_id']}"
        if (row["user_id"], row["purpose_id"], row["last"]) in given or key in done:
            continue
        yield Candidate(key=key, subject_id=row["user_id"], clock_start=row["last"].date())


def _consent_apply(candidate: Candidate, action: str) -> str:
    from privacy.models import ConsentEvent

    _prefix, user_id, purpose_id = candidate.key.split(":")
    count, _detail = ConsentEvent.objects.filter(user_id=user_id, purpose_id=purpose_id).delete()
    return f"deleted {count}"


def _access_log_candidates():
    from privacy.models import AccessLogEntry

    for entry in AccessLogEntry.objects.only("pk", "at", "subject_id"):
        yield Candidate(
            key=f"privacy.accesslog:{entry.pk}",
            subject_id=None,  # the log itself is never held back by the person's holds
            clock_start=entry.at.date(),
        )


def _access_log_due(cutoff, done_keys):
    from privacy.models import AccessLogEntry

    due = exclude_done(
        AccessLogEntry.objects.filter(at__date__lte=cutoff + dt.timedelta(days=1)),
        "privacy.accesslog",
        done_keys,
    ).values_list("pk", "at")
    for pk, at in due:
        yield Candidate(key=f"privacy.accesslog:{pk}", subject_id=None, clock_start=at.date())


def _access_log_apply_bulk(candidates, action: str) -> dict[str, str]:
    from privacy.models import AccessLogEntry

    AccessLogEntry.objects.filter(pk__in=_pks(candidates)).delete()
    return {c.key: "deleted" for c in candidates}


def _access_log_apply(candidate: Candidate, action: str) -> str:
    from privacy.models import AccessLogEntry

    AccessLogEntry.objects.filter(pk=int(candidate.key.rsplit(":", 1)[1])).delete()
    return "deleted"


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
                        "Support of accounting and tax records (Código Tributario arts. 43 and 87)"
                    ),
                    action=Action.ANONYMIZE,
                    candidates=_identity_candidates,
                    due_candidates=_identity_due,
                    apply=_identity_apply,
                )
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
                    code="privacy.access_log",
                    label=_("Access log"),
                    period_years=2,
                    start_event=StartEvent.RECORDED,
                    legal_basis=_("Security directive (R.D. 019-2013-JUS/DGPDP)"),
                    action=Action.DELETE,
                    candidates=_access_log_candidates,
                    apply=_access_log_apply,
                    due_candidates=_access_log_due,
                    apply_bulk=_access_log_apply_bulk,
                ),
            ],
            export=_privacy_export,
            anonymize=_privacy_anonymize,
        )
    )
