"""R-A8: carrying out the rights on what the product holds about a person."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from privacy.errors import PrivacyError
from privacy.models import ArcoRequest, ConsentEvent, Purpose
from privacy.registry import (  # noqa: F401
    MASKED_FIELDS,
    _shown,
    anonymize_subject,
    declarations,
    subject_export,
    subject_export_masked,
)
from privacy.selectors import subject_holds
from privacy.services import (
    _history,
    _locked,
    consent_revoke,
    is_single_line,
    record_block,
    require_identity_verified,
)
from viaticos.errors import DomainError
from viaticos.models import TravelerProfile
from viaticos.people import display_name
from viaticos.rules_registry import enforces

# Fields a rectificación may change, per model (the normal records, with their history).
RECTIFIABLE_USER_FIELDS = ["first_name", "last_name", "email"]
RECTIFIABLE_PROFILE_FIELDS = [
    "document_type",
    "document_number",
    "home_country",
]
# R-A1: bank data is never changed through an ARCO request: only by the signed-in person, with
# a second approval and an alert to their known address (a request posing as a traveler would
# otherwise redirect their payments).
BANK_FIELDS = frozenset({"bank_name", "bank_account"})


def _require(request: ArcoRequest, right: str) -> None:
    if request.right != right:
        raise DomainError(PrivacyError.WRONG_RIGHT, _("This action does not belong to this right."))
    if not request.is_open or request.status == ArcoRequest.Status.OBSERVED:
        raise DomainError(PrivacyError.NOT_OPEN, _("This request is not in course."))
    if request.subject_id is None:
        raise DomainError(
            PrivacyError.NO_SUBJECT,
            _("First link the request to the account of the person concerned."),
        )
    require_identity_verified(request)  # R-A1: nothing changed before


def _append_fulfilment(request: ArcoRequest, text: str) -> None:
    request.response_text = (request.response_text + "\n\n" + text).strip()


def _change_line(model, field: str, old: str, new: str) -> str:
    return _("%(field)s: «%(old)s» → «%(new)s»") % {
        "field": capfirst(model._meta.get_field(field).verbose_name),
        "old": _shown(field, old),
        "new": _shown(field, new),
    }


def _check(record, fields: list[str]) -> None:
    """The model's own validation of the corrected fields (an e-mail address, a length, a
    choice), as a DomainError naming the field. Every rectifiable field is one line: a name
    with a line break would carry a second line into letters, e-mails and exports."""
    for field in fields:
        if not is_single_line(str(getattr(record, field) or "")):
            label = capfirst(record._meta.get_field(field).verbose_name)
            raise DomainError(
                PrivacyError.INVALID_VALUE,
                _("%(field)s: write it on one line, without line breaks or tabs.")
                % {"field": label},
                field=field,
            )
    others = [f.name for f in record._meta.fields if f.name not in fields]
    try:
        record.clean_fields(exclude=others)
    except ValidationError as error:
        field, problems = next(iter(error.message_dict.items()))
        label = capfirst(record._meta.get_field(field).verbose_name)
        raise DomainError(
            PrivacyError.INVALID_VALUE, f"{label}: {' '.join(problems)}", field=field
        ) from None


@enforces("R-A8")
@transaction.atomic
def subject_rectify(*, actor, request_id: int, changes: dict, today: dt.date) -> list[str]:
    """R-A8 rectificación: change the record through the model, with its history where the
    model keeps one (the traveler profile); the answer lists every field with its previous and
    new value (identity document and bank account masked), which also keeps the previous names
    and e-mail, that the user account does not version, in the request's file."""
    request = _locked(request_id)
    _require(request, ArcoRequest.Right.RECTIFICACION)
    User = get_user_model()
    assert request.subject_id is not None  # checked by _require
    user = User.objects.select_for_update().get(pk=request.subject_id)
    changes = {k: str(v).strip() for k, v in changes.items() if v not in (None, "")}
    if BANK_FIELDS & set(changes):
        raise DomainError(
            PrivacyError.BANK_DATA_NOT_BY_ARCO,
            _(
                "Bank data is never changed through an ARCO request: the person changes it "
                "signed in to their account, with a second approval."
            ),
            field=sorted(BANK_FIELDS & set(changes))[0],
        )
    reason = f"ARCO {request.tracking_code}: rectificación"
    lines: list[tuple] = []
    done: list[str] = []
    user_fields = [f for f in RECTIFIABLE_USER_FIELDS if f in changes]
    for field in user_fields:
        lines.append((User, field, getattr(user, field), changes[field]))
        setattr(user, field, changes[field])
    if user_fields:
        _check(user, user_fields)
        user.save(update_fields=user_fields)
    profile = TravelerProfile.objects.select_for_update().filter(user=user).first()
    profile_fields = [f for f in RECTIFIABLE_PROFILE_FIELDS if f in changes]
    if profile_fields:
        if profile is None:
            raise DomainError(
                PrivacyError.NO_PROFILE, _("This person has no traveler profile to correct.")
            )
        for field in profile_fields:
            lines.append((TravelerProfile, field, getattr(profile, field), changes[field]))
            setattr(profile, field, changes[field])
        _check(profile, profile_fields)
        _history(profile, actor, reason)
        profile.save(update_fields=profile_fields)
    done = user_fields + profile_fields
    if not done:
        raise DomainError(PrivacyError.NOTHING_TO_CHANGE, _("Enter at least one value to correct."))
    with translation.override(request.language):  # the letter's language
        _append_fulfilment(
            request,
            _("Corrected on %(date)s:") % {"date": today.strftime("%d/%m/%Y")}
            + "\n"
            + "\n".join(f"- {_change_line(*line)}" for line in lines),
        )
    _history(request, actor, "rectified")
    request.save(update_fields=["response_text"])
    return done


@enforces("R-A8", "R-T2")
@transaction.atomic
def subject_cancel(*, actor, request_id: int, today: dt.date) -> dict:
    """R-A8 cancelación, R-T2: block at once; anonymize unless a legal hold applies, in which
    case the answer says which data is kept and why."""
    request = _locked(request_id)
    _require(request, ArcoRequest.Right.CANCELACION)
    assert request.subject_id is not None  # checked by _require
    user = get_user_model().objects.select_for_update().get(pk=request.subject_id)
    holds = subject_holds(user, today, exclude_request_id=request.pk)
    record_block(key=f"user:{user.pk}", subject_id=user.pk, today=today, holds=holds)
    with translation.override(request.language):  # the letter's language
        text, result = _cancel(user, holds, today)
    _append_fulfilment(request, text)
    _history(request, actor, "cancellation carried out")
    request.save(update_fields=["response_text"])
    return result


DEPENDANTS_CATEGORY = "viaticos.dependants"


@enforces("R-A8", "R-P4", "R-T3")
@transaction.atomic
def subject_cancel_dependants(
    *, actor, request_id: int, dependant_ids: list[int], today: dt.date
) -> list[str]:
    """R-A8 cancelación of specific data: the dependants the person asks to erase (R-P4), with
    their history, and nothing else of theirs. Nothing in them supports the books or a sanction;
    only a legal hold recorded for the dependants' category keeps them (R-T2). Each erasure is
    logged for a restore from backup (R-T3)."""
    from viaticos.models import Dependant
    from viaticos.people import erasure_noted

    request = _locked(request_id)
    _require(request, ArcoRequest.Right.CANCELACION)
    ids = sorted({int(i) for i in dependant_ids if str(i).isdigit()})
    chosen = list(
        Dependant.objects.select_for_update().filter(traveler_id=request.subject_id, pk__in=ids)
    )
    if not chosen or len(chosen) != len(ids):
        raise DomainError(
            PrivacyError.CHOOSE_DEPENDANTS,
            _("Choose the dependants of this person whose data is to be erased."),
            field="dependants",
        )
    holds = [
        h
        for h in subject_holds(request.subject, today, exclude_request_id=request.pk)
        if h.scope == DEPENDANTS_CATEGORY
    ]
    if holds:
        raise DomainError(
            PrivacyError.HELD,
            _("A legal hold keeps the dependants' data: %(reasons)s")
            % {"reasons": "; ".join(str(h.reason) for h in holds)},
        )
    with translation.override(request.language):  # the letter's language
        which = ", ".join(f"{d.full_name} ({d.get_relationship_display()})" for d in chosen)
        text = _(
            "Erased on %(date)s, as you asked: the data of these dependants recorded with your "
            "profile, with their history: %(which)s. The rest of your data is not affected by "
            "this request."
        ) % {"date": today.strftime("%d/%m/%Y"), "which": which}
    for dependant in chosen:
        pk = dependant.pk
        dependant.delete()
        Dependant.history.filter(id=pk).delete()  # after: deleting writes one
        erasure_noted(model="viaticos.dependant", pk=pk)
    _append_fulfilment(request, text)
    _history(request, actor, "cancellation of dependants' data carried out")
    request.save(update_fields=["response_text"])
    return [str(d) for d in chosen]


def _cancel(user, holds, today: dt.date) -> tuple[str, dict]:
    """Carry out the cancelación: block (with a hold) or anonymize; the letter's text."""
    if holds:
        # R-T2: blocking is enforced, not a label: the account stops signing in at once (its
        # sessions and API tokens with it); viaticos.people hides the person everywhere else.
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        kept = "\n".join(f"- {h.data_kept}: {h.reason}" for h in holds)
        text = _(
            "Your data has been blocked on %(date)s. It cannot be erased yet, because the law "
            "requires us to keep the following data for the reason given:\n%(kept)s\n"
            "While it is blocked, your account cannot sign in; your data is read only to meet "
            "that obligation (by the accounting staff settling the pending amounts, and by the "
            "Personal Data Officer), every such read is logged, and for any other purpose it "
            "does not appear in any list, page, export or interface of the organization. It "
            "will be anonymized, without a new request from you, as soon as these obligations "
            "end."
        ) % {"kept": kept, "date": today.strftime("%d/%m/%Y")}
        result = {"anonymized": False, "holds": holds, "removed": []}
    else:
        removed = anonymize_subject(user)
        text = _(
            "Your personal data has been erased (anonymized): %(removed)s. Amounts, dates and "
            "accounting document numbers are kept without anything that identifies you, as the "
            "accounting and tax rules require."
        ) % {"removed": ", ".join(removed) or "—"}
        result = {"anonymized": True, "holds": [], "removed": removed}
    return text, result


@enforces("R-A8")
@transaction.atomic
def subject_stop_processing(
    *, actor, request_id: int, purpose_codes: list[str], today: dt.date, assessment: str = ""
) -> list[str]:
    """R-A8 oposición, for any purpose: one resting on consent stops at once (the consent is
    revoked, recorded); one resting on the contract or a legal duty is weighed against the
    person's reasons (Law art. 22), and the officer's assessment goes into the letter."""
    request = _locked(request_id)
    _require(request, ArcoRequest.Right.OPOSICION)
    assert request.subject_id is not None  # checked by _require
    user = get_user_model().objects.get(pk=request.subject_id)
    purposes = list(Purpose.objects.filter(code__in=purpose_codes, is_active=True))
    if not purposes:
        raise DomainError(
            PrivacyError.NOTHING_TO_STOP, _("Choose at least one purpose."), field="purposes"
        )
    assessment = (assessment or "").strip()
    english = request.language == "en"
    stopped, weighed = [], []
    for purpose in purposes:
        last = (
            ConsentEvent.objects.filter(user=user, purpose=purpose).order_by("-at", "-pk").first()
        )
        name = purpose.name_en if english else purpose.name_es
        if purpose.needs_consent and last and last.decision == ConsentEvent.Decision.GIVEN:
            consent_revoke(user=user, purpose=purpose, channel="arco", actor=actor)
            stopped.append(name)
        elif not purpose.needs_consent:
            weighed.append((name, purpose))
    if weighed and not assessment:
        raise DomainError(
            PrivacyError.ASSESSMENT_REQUIRED,
            _(
                "This purpose does not rest on consent: write your assessment of the person's "
                "reasons against the basis of the processing; it goes into the letter."
            ),
            field="assessment",
        )
    if not stopped and not weighed:
        raise DomainError(
            PrivacyError.NOTHING_TO_STOP, _("None of these purposes had consent in force.")
        )
    lines = []
    with translation.override(request.language):  # the letter's language
        if stopped:
            lines.append(
                _("Processing stopped on %(date)s: %(purposes)s.")
                % {"date": today.strftime("%d/%m/%Y"), "purposes": ", ".join(stopped)}
            )
        for name, purpose in weighed:
            lines.append(
                _(
                    "Your objection to processing for «%(purpose)s» (basis: %(basis)s) was "
                    "examined on %(date)s: %(assessment)s"
                )
                % {
                    "purpose": name,
                    "basis": purpose.get_legal_basis_display(),
                    "date": today.strftime("%d/%m/%Y"),
                    "assessment": assessment,
                }
            )
        _append_fulfilment(request, "\n".join(lines))
    _history(request, actor, "objection carried out")
    request.save(update_fields=["response_text"])
    return stopped + [name for name, _purpose in weighed]


@transaction.atomic
def subject_review_decision(
    *, actor, request_id: int, decision: str, outcome: str, today: dt.date
) -> ArcoRequest:
    """R-A1 tratamiento objetivo: a person reviews the decision taken by automated processing
    (e.g. a per-diem computation, a sanction proposed by the daily job); who, when and the
    outcome are recorded and go into the answer."""
    request = _locked(request_id)
    if request.right != ArcoRequest.Right.TRATAMIENTO_OBJETIVO:
        raise DomainError(PrivacyError.WRONG_RIGHT, _("This action does not belong to this right."))
    if not request.is_open or request.status == ArcoRequest.Status.OBSERVED:
        raise DomainError(PrivacyError.NOT_OPEN, _("This request is not in course."))
    if not decision.strip():
        raise DomainError(
            PrivacyError.DECISION_REQUIRED, _("Say which decision was reviewed."), field="decision"
        )
    if not outcome.strip():
        raise DomainError(
            PrivacyError.OUTCOME_REQUIRED, _("Write the outcome of the review."), field="outcome"
        )
    require_identity_verified(request)  # R-A1
    request.human_review_by = actor
    request.human_review_at = timezone.now()
    request.human_review_decision = decision.strip()
    request.human_review_outcome = outcome.strip()
    with translation.override(request.language):  # the letter's language
        _append_fulfilment(
            request,
            _(
                "On %(date)s, %(who)s reviewed in person the decision “%(decision)s”, taken by "
                "automated processing. Outcome: %(outcome)s"
            )
            % {
                "date": today.strftime("%d/%m/%Y"),
                "who": display_name(actor),
                "decision": request.human_review_decision,
                "outcome": request.human_review_outcome,
            },
        )
    _history(request, actor, "decision reviewed by a person")
    request.save(
        update_fields=[
            "human_review_by",
            "human_review_at",
            "human_review_decision",
            "human_review_outcome",
            "response_text",
        ]
    )
    return request
