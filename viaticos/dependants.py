"""Dependants for repatriation (R-3.16, R-P4).

Each dependant is a record of their own with its legal basis: the repatriation benefit of the
traveler's contract for the spouse and children 14 or older, who are informed directly at their
own e-mail address (an adult's data is not the traveler's to consent for); for a child under 14,
the traveler's consent as parent or guardian, given on this page and kept with its time.
When the organization does not pay repatriation (VIATICOS_PAYS_REPATRIATION off) no dependant
is recorded and no consent is asked. Dependants are exported with the traveler's data (acceso,
portability) and deleted when the traveler is anonymized (retention, cancelación).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from viaticos import outbox
from viaticos.errors import CommonError, DomainError
from viaticos.models import Dependant
from viaticos.people import display_name, erasure_noted
from viaticos.rules_registry import enforces

if TYPE_CHECKING:
    from django.contrib.auth.models import User

GUARDIAN_AGE = 14


def collected() -> bool:
    return settings.VIATICOS_PAYS_REPATRIATION


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@enforces("R-P4")
@transaction.atomic
def dependant_add(
    *,
    actor: User,
    relationship: str,
    full_name: str,
    birth_date: dt.date,
    email: str = "",
    emergency_phone: str = "",
    guardian_consent: bool = False,
    today: dt.date,
) -> Dependant:
    if not collected():
        raise DomainError(
            CommonError.REPATRIATION_NOT_PAID,
            _("The organization does not pay repatriation: no dependant data is collected."),
        )
    full_name = " ".join(full_name.split())
    if not full_name:
        raise DomainError(
            CommonError.NAME_REQUIRED, _("Give the dependant's full name."), field="full_name"
        )
    if birth_date > today:
        raise DomainError(
            CommonError.BIRTH_IN_FUTURE,
            _("The date of birth cannot be in the future."),
            field="birth_date",
        )
    minor = (
        relationship == Dependant.Relationship.CHILD and age_on(birth_date, today) < GUARDIAN_AGE
    )
    if relationship == Dependant.Relationship.SPOUSE and age_on(birth_date, today) < 18:
        raise DomainError(
            CommonError.SPOUSE_MINOR, _("Check the date of birth."), field="birth_date"
        )
    now = timezone.now()
    if minor:
        if not guardian_consent:
            raise DomainError(
                CommonError.GUARDIAN_CONSENT_REQUIRED,
                _("As parent or guardian, give your consent for your child's data."),
                field="guardian_consent",
            )
        basis, consent_at = Dependant.LegalBasis.GUARDIAN_CONSENT, now
    else:
        try:
            validate_email(email)
        except Exception:
            raise DomainError(
                CommonError.DEPENDANT_EMAIL_REQUIRED,
                _("Give their own e-mail address: an adult is informed directly."),
                field="email",
            ) from None
        basis, consent_at = Dependant.LegalBasis.CONTRACT, None
    dependant = Dependant(
        traveler=actor,
        relationship=relationship,
        full_name=full_name,
        birth_date=birth_date,
        email=email.strip(),
        emergency_phone=" ".join(emergency_phone.split())[:40],
        legal_basis=basis,
        guardian_consent_at=consent_at,
        informed_at=None if minor else now,
    )
    dependant._history_user = actor
    dependant.save()
    if not minor:
        from viaticos.links import site_link

        with translation.override("es"):
            outbox.enqueue(
                kind="dependant_informed",
                ref=str(dependant.pk),
                subject=_("Your data were recorded for repatriation"),
                body=_(
                    "Hello %(name)s,\n\n%(traveler)s recorded your name, date of birth and "
                    "contact details as their dependant, so that the organization can repatriate "
                    "you in an emergency during their missions (legal basis: their contract). "
                    "The privacy notice says who we are, how long we keep the data and how to "
                    "exercise your rights (access, rectification, cancellation, objection): "
                    "%(link)s\n"
                )
                % {
                    "name": full_name,
                    "traveler": display_name(actor),
                    "link": site_link("privacy:notice"),
                },
                to=[dependant.email],
            )
    return dependant


@transaction.atomic
def dependant_remove(*, actor: User, dependant_id: int) -> None:
    """The traveler removes a dependant (for a child under 14: the guardian's consent is
    withdrawn); the record and its history go."""
    dependant = Dependant.objects.filter(pk=dependant_id, traveler=actor).first()
    if dependant is None:
        raise DomainError(CommonError.NOT_FOUND, _("That dependant does not exist."))
    dependant.history.all().delete()
    dependant.delete()
    Dependant.history.filter(id=dependant_id).delete()
    erasure_noted(model="viaticos.dependant", pk=dependant_id)  # R-T3: gone after a restore
