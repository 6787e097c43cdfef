"""E-mail to whoever must act next, written to the outbox in the transaction of the change and
delivered after it commits (viaticos.outbox): nothing is sent if the change rolls back, and an
SMTP failure never reaches the person who acted. Messages are in the default language
(Spanish)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from viaticos import outbox
from viaticos.links import site_link
from viaticos.people import display_name
from viaticos.roles import Role

SUBJECTS = {
    "mission_submitted": lambda m: _("Mission %(code)s waits for your authorization"),
    "mission_authorized": lambda m: _("Mission %(code)s is authorized"),
    "mission_rejected": lambda m: _("Mission %(code)s was rejected"),
    "mission_stopped": lambda m: _("Mission %(code)s was suspended or cancelled"),
    "advance_requested": lambda m: _("The advance for mission %(code)s waits for your approval"),
    "advance_approved": lambda m: _("Sign the advance for mission %(code)s"),
    "advance_rejected": lambda m: _("The advance for mission %(code)s was rejected"),
    "advance_signed": lambda m: _("The advance for mission %(code)s is ready to disburse"),
    "advance_disbursed": lambda m: _("The advance for mission %(code)s was disbursed"),
}


def _role_users(role: Role):
    return get_user_model().objects.filter(groups__name=role.value, is_active=True)


def _approvers(obj) -> list:
    """Whoever may give an approval of `obj` now: designated approvers, delegates, alternates
    (R-3.1d)."""
    from missions import approvals

    ids = approvals.current_approver_ids(obj)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def recipients(event: str, mission) -> list:
    traveler = mission.traveler
    if event == "mission_submitted":
        users = _approvers(mission)
    elif event == "advance_requested":
        advance = mission.advances.filter(status="requested").select_related("mission").first()
        users = _approvers(advance) if advance else []
    elif event == "advance_signed":
        users = list(_role_users(Role.TREASURY))
    elif event == "mission_stopped":
        users = [traveler, *_role_users(Role.TREASURY)]
    else:
        users = [traveler]
    if event in ("mission_submitted", "advance_requested", "advance_signed"):
        # Nobody decides on their own request.
        users = [u for u in users if u.pk != traveler.pk]
    seen, result = set(), []
    for user in users:
        if user.email and user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def _queue(event: str, mission_id: int, comment: str) -> None:
    from missions.models import Mission

    mission = Mission.objects.select_related("traveler", "project__coordinator").get(pk=mission_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = SUBJECTS[event](mission) % {"code": mission.code}
        link = site_link("missions:detail", mission.pk)
        body = "\n\n".join(
            part
            for part in [
                subject + ".",
                _("Traveler: %(name)s. Project: %(project)s. Destinations: %(places)s.")
                % {
                    "name": display_name(mission.traveler),
                    "project": mission.project.code,
                    "places": mission.destinations_label,
                },
                (_("Comment: %(comment)s") % {"comment": comment}) if comment else "",
                _("Open it in Viáticos: %(link)s") % {"link": link},
            ]
            if part
        )
    for user in recipients(event, mission):
        outbox.enqueue(kind=f"missions.{event}", subject=subject, body=body, to=[user.email])


def notify(event: str, mission, comment: str = "") -> None:
    """Write the e-mails for `event` on `mission` to the outbox, in the caller's transaction."""
    _queue(event, mission.pk, comment)


def notify_approval(kind: str, pk: int, level: str, recipient_ids: list[int]) -> None:
    """R-3.1d: a reminder or an escalation for a pending approval, written to the outbox in the
    caller's transaction."""
    from missions.models import Advance, Mission

    obj = (
        Mission.objects.select_related("traveler", "project").get(pk=pk)
        if kind == "mission"
        else Advance.objects.select_related("mission__traveler", "mission__project").get(pk=pk)
    )
    mission = obj if isinstance(obj, Mission) else obj.mission
    with translation.override(settings.LANGUAGE_CODE):
        if level == "escalation":
            subject = _("%(code)s has waited too long: you are asked to decide as alternate")
        else:
            subject = _("Reminder: %(code)s waits for your decision")
        subject = subject % {"code": obj.code}
        body = "\n\n".join(
            [
                subject + ".",
                _("Traveler: %(name)s. Project: %(project)s. Destinations: %(places)s.")
                % {
                    "name": display_name(mission.traveler),
                    "project": mission.project.code,
                    "places": mission.destinations_label,
                },
                _("Open it in Viáticos: %(link)s") % {"link": site_link("missions:inbox")},
            ]
        )
    users = get_user_model().objects.filter(pk__in=recipient_ids, is_active=True)
    for user in users:
        if user.email:
            outbox.enqueue(
                kind=f"missions.approval_{level}", subject=subject, body=body, to=[user.email]
            )
