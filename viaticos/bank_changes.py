"""Changing the bank data a person is paid to (SPEC §5.4 security measures, R-A1).

Only the person, signed in, asks for the change (in *Mi cuenta*); a second person, the
General Administrator or the Finance Director and never the holder, approves it before it is
applied; the holder is told at the address already on their account when the change is asked
for and when it is decided, so that a change they did not ask for does not go unnoticed. Nobody
edits the bank account anywhere else (the admin shows it masked and read-only).
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from viaticos import outbox
from viaticos.errors import CommonError, DomainError
from viaticos.links import site_link
from viaticos.models import BankDetailsChange, TravelerProfile
from viaticos.people import display_name
from viaticos.roles import Role, has_role

APPROVER_ROLES = (Role.GENERAL_ADMINISTRATOR, Role.FINANCE_DIRECTOR)
ACCOUNT_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z \-]{4,38}[0-9A-Za-z]$")


def may_approve(user: User | AnonymousUser | None) -> bool:
    return has_role(user, *APPROVER_ROLES)


def _alert_holder(change: BankDetailsChange, subject: str, body: str) -> None:
    holder = change.profile.user
    # The known address: the account's own, never one typed with the request.
    outbox.enqueue(
        kind="bank_change_alert",
        ref=str(change.pk),
        subject=subject,
        body=body,
        to=[holder.email],
    )


@transaction.atomic
def bank_change_request(*, actor: User, bank_name: str, bank_account: str) -> BankDetailsChange:
    """The signed-in person asks to be paid to another account; nothing changes yet."""
    profile = TravelerProfile.objects.select_for_update().filter(user=actor).first()
    if profile is None:
        raise DomainError(
            CommonError.NO_PROFILE, _("Only a traveler with a profile has bank data here.")
        )
    bank_name = " ".join(bank_name.split())
    bank_account = " ".join(bank_account.split())
    if not bank_name:
        raise DomainError(
            CommonError.BANK_NAME_REQUIRED, _("Give the bank's name."), field="bank_name"
        )
    if not ACCOUNT_PATTERN.match(bank_account):
        raise DomainError(
            CommonError.BANK_ACCOUNT_INVALID,
            _("Give the account number (6 to 40 letters, digits, spaces or hyphens)."),
            field="bank_account",
        )
    if profile.bank_changes.filter(status=BankDetailsChange.Status.PENDING).exists():
        raise DomainError(
            CommonError.BANK_CHANGE_PENDING,
            _("A change of your bank data is already waiting for approval."),
        )
    try:
        with transaction.atomic():
            change = BankDetailsChange.objects.create(
                profile=profile, bank_name=bank_name, bank_account=bank_account, requested_by=actor
            )
    except IntegrityError:  # a second request at the same moment
        raise DomainError(
            CommonError.BANK_CHANGE_PENDING,
            _("A change of your bank data is already waiting for approval."),
        ) from None
    with translation.override("es"):
        _alert_holder(
            change,
            _("Change of your bank data requested"),
            _(
                "Hello %(name)s,\n\nA change of the bank account you are paid to was requested "
                "from your account: %(bank)s %(account)s. It applies only after approval by the "
                "General Administrator or the Finance Director.\n\nIf you did not ask for it, "
                "tell the General Administrator at once and change your password.\n\n%(link)s\n"
            )
            % {
                "name": display_name(actor),
                "bank": bank_name,
                "account": change.masked_account,
                "link": site_link("bank-data"),
            },
        )
    return change


@transaction.atomic
def bank_change_decide(
    *, actor: User, change_id: int, approve: bool, note: str = ""
) -> BankDetailsChange:
    """The second approval: the General Administrator or the Finance Director, not the holder,
    applies or rejects the change; the profile's history records who and why."""
    if not may_approve(actor):
        raise DomainError(
            CommonError.NOT_ALLOWED,
            _("Only the General Administrator or the Finance Director approves bank data."),
        )
    change = (
        BankDetailsChange.objects.select_for_update()
        .select_related("profile__user")
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        raise DomainError(CommonError.NOT_FOUND, _("That change does not exist."))
    if change.status != BankDetailsChange.Status.PENDING:
        raise DomainError(CommonError.ALREADY_DECIDED, _("That change was already decided."))
    if change.profile.user_id == actor.pk or change.requested_by_id == actor.pk:
        raise DomainError(
            CommonError.OWN_BANK_DATA,
            _("Nobody approves a change of their own bank data: ask a colleague."),
        )
    note = " ".join(note.split())[:300]
    if not approve and not note:
        raise DomainError(
            CommonError.NOTE_REQUIRED, _("Say why the change is rejected."), field="note"
        )
    change.status = (
        BankDetailsChange.Status.APPLIED if approve else BankDetailsChange.Status.REJECTED
    )
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_note = note
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        profile = TravelerProfile.objects.select_for_update().get(pk=change.profile_id)
        profile.bank_name = change.bank_name
        profile.bank_account = change.bank_account
        profile._history_user = actor
        profile._change_reason = f"bank data change {change.pk} approved"
        profile.save(update_fields=["bank_name", "bank_account"])
    with translation.override("es"):
        if approve:
            subject = _("Your bank data was changed")
            body = _(
                "Hello %(name)s,\n\nThe change of your bank account to %(bank)s %(account)s was "
                "approved by %(approver)s and applies to your next payments.\n\nIf you did not "
                "ask for it, tell the General Administrator at once.\n"
            )
        else:
            subject = _("Change of your bank data rejected")
            body = _(
                "Hello %(name)s,\n\nThe change of your bank account to %(bank)s %(account)s was "
                "rejected by %(approver)s: %(note)s\nYou are still paid to the previous "
                "account.\n"
            )
        _alert_holder(
            change,
            subject,
            body
            % {
                "name": display_name(change.profile.user),
                "bank": change.bank_name,
                "account": change.masked_account,
                "approver": display_name(actor),
                "note": note,
            },
        )
    return change
