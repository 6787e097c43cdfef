"""E-mail of deadline reminders (R-3.3) and of the Requerimiento de Documentación (R-3.4,
copy to the General Accountant). Written to the outbox in the batch's transaction and delivered
after it commits (viaticos.outbox, with retries); a requirement's `emailed_at` is set when its
e-mail has gone out. The e-mail carries the essential facts and the link to the requirement
PDF, which is rendered when someone opens it: it is deterministic from the stored requirement
(issued date, due date, amount...), so the daily run renders no PDF."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deadlines.models import DeadlineReminder, DocumentationRequirement
from viaticos import outbox
from viaticos.links import site_link
from viaticos.pdf import render_pdf
from viaticos.people import display_name
from viaticos.roles import Role

REQUIREMENT_TEMPLATE = "deadlines/pdf/requirement.html"
DEDUCTION_TEMPLATE = "deadlines/pdf/deduction_order.html"


def accountant_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(groups__name=Role.GENERAL_ACCOUNTANT.value, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def requirement_context(requirement: DocumentationRequirement) -> dict:
    mission = requirement.mission
    return {
        "requirement": requirement,
        "mission": mission,
        "advance": requirement.advance,
        "traveler_name": display_name(requirement.traveler),
        "grace_days": getattr(settings, "VIATICOS_DEDUCTION_GRACE_BUSINESS_DAYS", 5),
    }


def requirement_pdf(requirement: DocumentationRequirement) -> bytes:
    return render_pdf(REQUIREMENT_TEMPLATE, requirement_context(requirement))


def deduction_order_pdf(order) -> bytes:
    """R-8b: the payroll deduction order, rendered on download from its stored fields."""
    return render_pdf(
        DEDUCTION_TEMPLATE,
        {"order": order, "mission": order.advance.mission, "requirement": order.requirement},
    )


def _reminder_message(reminder: DeadlineReminder) -> EmailMessage | None:
    traveler = reminder.advance.mission.traveler
    if not traveler.email:
        return None
    mission = reminder.advance.mission
    if reminder.kind == DeadlineReminder.Kind.DUE_TODAY:
        subject = _("Today is the last day to settle mission %(code)s") % {"code": mission.code}
    else:
        subject = _("Settle mission %(code)s by %(date)s") % {
            "code": mission.code,
            "date": reminder.due_date.strftime("%d/%m/%Y"),
        }
    body = "\n\n".join(
        [
            _(
                "You received an advance of %(amount)s USD (%(advance)s) for mission %(code)s. "
                "Its settlement (liquidación) is due on %(date)s (R-3.3)."
            )
            % {
                "amount": reminder.advance.amount,
                "advance": reminder.advance.code,
                "code": mission.code,
                "date": reminder.due_date.strftime("%d/%m/%Y"),
            },
            _(
                "Submit it in Viáticos with your proof of travel, the mission report and the "
                "receipts, or return the money to Treasury. If it is late, Accounting will "
                "issue a documentation requirement and then deduct the amount from your pay."
            ),
            _("Your deadlines: %(link)s") % {"link": site_link("deadlines:mine")},
        ]
    )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [traveler.email])


def _requirement_message(
    requirement: DocumentationRequirement, copies: Sequence[str]
) -> EmailMessage | None:
    traveler = requirement.traveler
    to = [traveler.email] if traveler.email else []
    if not to and not copies:
        return None
    subject = _("Documentation requirement %(code)s: settle mission %(mission)s") % {
        "code": requirement.code,
        "mission": requirement.mission.code,
    }
    grace = getattr(settings, "VIATICOS_DEDUCTION_GRACE_BUSINESS_DAYS", 5)
    body = "\n\n".join(
        [
            _(
                "The settlement of mission %(mission)s was due on %(due)s and has not been "
                "received. You are required to submit it (R-3.4)."
            )
            % {
                "mission": requirement.mission.code,
                "due": requirement.due_date.strftime("%d/%m/%Y"),
            },
            "\n".join(
                [
                    _("Requirement: %(code)s, issued on %(date)s")
                    % {
                        "code": requirement.code,
                        "date": requirement.issued_on.strftime("%d/%m/%Y"),
                    },
                    _("Advance: %(advance)s (mission %(mission)s)")
                    % {"advance": requirement.advance.code, "mission": requirement.mission.code},
                    _("Amount pending settlement: %(amount)s USD") % {"amount": requirement.amount},
                ]
            ),
            ngettext(
                "If the settlement is not received within %(n)s business day of this "
                "requirement, %(amount)s USD will be deducted from your pay (R-8b).",
                "If the settlement is not received within %(n)s business days of this "
                "requirement, %(amount)s USD will be deducted from your pay (R-8b).",
                grace,
            )
            % {"n": grace, "amount": requirement.amount},
            _("The requirement (PDF): %(link)s")
            % {"link": site_link("deadlines:requirement-pdf", requirement.pk)},
            _("Your deadlines: %(link)s") % {"link": site_link("deadlines:mine")},
        ]
    )
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        to or list(copies),
        cc=list(copies) if to else [],
    )


REMINDER_KIND = "settlements.deadline_reminder"
REQUIREMENT_KIND = "settlements.documentation_requirement"


def queue(reminders, requirements) -> None:
    """Write the e-mails to the outbox in the batch's transaction: nothing is sent if the
    batch rolls back, and nothing is lost if the process dies after it commits."""
    reminders, requirements = list(reminders), list(requirements)
    if not (reminders or requirements):
        return
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for reminder in reminders:
            message = _reminder_message(reminder)
            if message:
                messages.append({**outbox.email_fields(message), "kind": REMINDER_KIND})
        copies = accountant_emails() if requirements else []
        for requirement in requirements:
            message = _requirement_message(requirement, copies)
            if message:
                messages.append(
                    {
                        **outbox.email_fields(message),
                        "kind": REQUIREMENT_KIND,
                        "ref": str(requirement.pk),
                    }
                )
    outbox.enqueue_many(messages)


def _requirement_result(message, sent: bool) -> None:
    if sent and message.ref:
        DocumentationRequirement.objects.filter(pk=message.ref, emailed_at__isnull=True).update(
            emailed_at=message.sent_at or timezone.now()
        )


outbox.register_result_handler(REQUIREMENT_KIND, _requirement_result)


def send_unsent_requirements() -> int:
    """Requirement e-mails still waiting in the outbox (an earlier run's process died after
    commit, or SMTP was down): their delivery starts after this run's first commit, like the
    day's new ones (one query here, whatever their number). Returns how many wait."""
    from viaticos.tasks import deliver_outbox_batch, run_after_commit

    waiting = outbox.due_ids(kinds=[REQUIREMENT_KIND])
    for start in range(0, len(waiting), outbox.BATCH):
        run_after_commit(deliver_outbox_batch, waiting[start : start + outbox.BATCH])
    return len(waiting)
