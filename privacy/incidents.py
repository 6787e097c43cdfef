"""R-S4: security incidents, from the report by any staff member to the notice to the Authority
and to the people affected (Reglamento D.S. 016-2024-JUS: 48 hours from detection).

- Anyone signed in reports an incident (`incident_report`); the Oficial de Datos Personales
  and the deputy of the designation in force are alerted at once, again at 24 hours and a last
  time 8 hours before the 48 run out (`incident_alerts_send`, run every hour by
  `manage.py incident_alerts`), as long as a notification is still pending.
- The report to the Authority (PDF + e-mail) and the notice to each person affected are drafted
  from the record and sent through the outbox; every sending is logged
  (`IncidentCommunication`) and stamps the incident.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from privacy.errors import PrivacyError
from privacy.models import IncidentCommunication, SecurityIncident
from viaticos import outbox, pdf
from viaticos.errors import DomainError
from viaticos.links import site_link
from viaticos.rules_registry import enforces

SECOND_ALERT_AFTER = dt.timedelta(hours=24)
LAST_ALERT_BEFORE_DEADLINE = dt.timedelta(hours=8)


def _officer_addresses() -> list[str]:
    """The Oficial and the deputy of the designation in force; without one, every holder of
    the Privacy Officer role (an incident must never alert nobody)."""
    from privacy.selectors import officer_designation
    from viaticos.roles import Role

    designation = officer_designation()
    addresses: list[str] = []
    if designation is not None:
        for person in (designation.officer, designation.deputy):
            if person is not None and person.email:
                addresses.append(person.email)
        if designation.contact_email:
            addresses.append(designation.contact_email)
    if not addresses:
        from django.contrib.auth import get_user_model

        addresses = list(
            get_user_model()
            .objects.filter(groups__name=Role.PRIVACY_OFFICER.value, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    return sorted(set(addresses))


def _alert(incident: SecurityIncident, stage: str, *, now: dt.datetime) -> None:
    to = _officer_addresses()
    left = incident.notify_by - now
    hours = max(int(left.total_seconds() // 3600), 0)
    with translation.override("es"):
        subject = _("Security incident: %(hours)s hours left to notify (%(stage)s)") % {
            "hours": hours,
            "stage": stage,
        }
        body = render_to_string(
            "privacy/email/incident_alert.txt",
            {
                "incident": incident,
                "hours": hours,
                "url": site_link("privacy:incident", incident.pk),
            },
        )
    outbox.enqueue(kind="privacy_incident", ref=str(incident.pk), subject=subject, body=body, to=to)
    IncidentCommunication.objects.create(
        incident=incident,
        kind=IncidentCommunication.Kind.ALERT,
        to=", ".join(to)[:300],
        subject=subject[:300],
    )


@enforces("R-S4")
@transaction.atomic
def incident_report(
    *,
    actor,
    detected_at: dt.datetime,
    nature: str,
    data_categories: str,
    people_affected: int,
    measures: str = "",
    now: dt.datetime | None = None,
) -> SecurityIncident:
    """Any staff member reports an incident; the Oficial and the deputy are alerted at once."""
    now = now or timezone.now()
    if detected_at > now + dt.timedelta(minutes=5):
        raise DomainError(
            PrivacyError.DETECTED_IN_FUTURE,
            _("The detection time cannot be in the future."),
            field="detected_at",
        )
    if not nature.strip():
        raise DomainError(
            PrivacyError.NATURE_REQUIRED, _("Describe what happened."), field="nature"
        )
    if people_affected < 0:
        raise DomainError(
            PrivacyError.PEOPLE_AFFECTED_NEGATIVE,
            _("The number of people affected cannot be negative."),
            field="people_affected",
        )
    incident = SecurityIncident(
        detected_at=detected_at,
        nature=nature.strip(),
        data_categories=data_categories.strip()[:300],
        people_affected=people_affected,
        measures=measures.strip() or "—",
        reported_by=actor,
        reported_at=now,
        alerted_at=now,
    )
    incident._history_user = actor
    incident.save()
    _alert(incident, _("reported"), now=now)
    return incident


@enforces("R-S4")
def incident_alerts_send(*, now: dt.datetime) -> list[tuple[int, str]]:
    """The alerts due at `now` (idempotent: each stage is sent once per incident)."""
    sent = []
    pending = SecurityIncident.objects.filter(notification_required=True).filter(
        detected_at__gte=now - dt.timedelta(days=30)
    )
    for incident in pending:
        if not incident.notification_pending:
            continue
        with transaction.atomic():
            locked = SecurityIncident.objects.select_for_update().get(pk=incident.pk)
            age = now - locked.detected_at
            if locked.alerted_final_at is None and (
                now >= locked.notify_by - LAST_ALERT_BEFORE_DEADLINE
            ):
                locked.alerted_final_at = now
                if locked.alerted_24h_at is None:
                    locked.alerted_24h_at = now
                locked.save(update_fields=["alerted_final_at", "alerted_24h_at"])
                _alert(locked, _("last reminder"), now=now)
                sent.append((locked.pk, "final"))
            elif locked.alerted_24h_at is None and age >= SECOND_ALERT_AFTER:
                locked.alerted_24h_at = now
                locked.save(update_fields=["alerted_24h_at"])
                _alert(locked, _("24 hours"), now=now)
                sent.append((locked.pk, "24h"))
    return sent


def _context(incident: SecurityIncident) -> dict:
    from privacy.selectors import officer_designation
    from viaticos.models import Organization

    return {
        "incident": incident,
        "designation": officer_designation(),
        "organization": Organization.current(),
    }


def authority_report_pdf(incident: SecurityIncident) -> bytes:
    return pdf.render_pdf("privacy/pdf/incident_report.html", _context(incident), language="es")


def subject_notice_text(incident: SecurityIncident) -> str:
    with translation.override("es"):
        return render_to_string("privacy/email/incident_subject_notice.txt", _context(incident))


def _report_files(incident_id: int) -> list[tuple[str, bytes, str]]:
    incident = SecurityIncident.objects.get(pk=incident_id)
    return [(f"incidente-{incident.pk}.pdf", authority_report_pdf(incident), "application/pdf")]


outbox.register_builder("privacy.incident_report", _report_files)


@enforces("R-S4")
@transaction.atomic
def incident_send_authority_report(*, actor, incident_id: int, to: str, now=None):
    """Send the report drafted from the record (PDF attached) to the Authority's address."""
    now = now or timezone.now()
    to = (to or "").strip()
    try:
        validate_email(to)
    except Exception:
        raise DomainError(
            PrivacyError.AUTHORITY_EMAIL_INVALID,
            _("Give the Authority's e-mail address."),
            field="to",
        ) from None
    incident = SecurityIncident.objects.select_for_update().get(pk=incident_id)
    with translation.override("es"):
        subject = _("Security incident report — %(org)s") % {
            "org": getattr(_context(incident)["organization"], "name", "")
        }
        body = render_to_string("privacy/email/incident_authority.txt", _context(incident))
    outbox.enqueue(
        kind="privacy_incident",
        ref=str(incident.pk),
        subject=subject,
        body=body,
        to=[to],
        attachments=[outbox.built_files("privacy.incident_report", incident.pk)],
    )
    IncidentCommunication.objects.create(
        incident=incident,
        kind=IncidentCommunication.Kind.AUTHORITY,
        to=to,
        subject=subject[:300],
        sent_by=actor,
        at=now,
    )
    incident.authority_notified_at = incident.authority_notified_at or now
    incident._history_user = actor
    incident.save(update_fields=["authority_notified_at"])
    return incident


@enforces("R-S4")
@transaction.atomic
def incident_notify_subjects(*, actor, incident_id: int, now=None) -> int:
    """One notice, drafted from the record, to each person affected at the address on their
    account; those already told are not told twice. Returns how many were sent."""
    now = now or timezone.now()
    incident = SecurityIncident.objects.select_for_update().get(pk=incident_id)
    already = set(
        incident.communications.filter(kind=IncidentCommunication.Kind.SUBJECT).values_list(
            "to", flat=True
        )
    )
    people = [u for u in incident.affected_users.all() if u.email and u.email not in already]
    if not people and not already:
        raise DomainError(
            PrivacyError.NO_PEOPLE_AFFECTED,
            _("Record the people affected (with an account) before notifying them."),
        )
    text = subject_notice_text(incident)
    with translation.override("es"):
        subject = _("Notice of a security incident affecting your personal data")
    for person in people:
        outbox.enqueue(
            kind="privacy_incident",
            ref=str(incident.pk),
            subject=subject,
            body=text,
            to=[person.email],
        )
        IncidentCommunication.objects.create(
            incident=incident,
            kind=IncidentCommunication.Kind.SUBJECT,
            to=person.email,
            subject=subject,
            sent_by=actor,
            at=now,
        )
    incident.subjects_notified_at = incident.subjects_notified_at or now
    incident._history_user = actor
    incident.save(update_fields=["subjects_notified_at"])
    return len(people)


def authority_email_default() -> str:
    return getattr(settings, "PRIVACY_AUTHORITY_EMAIL", "")
