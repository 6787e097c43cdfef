"""The people and missions of the scale-out test, written into its own database before the
servers start: `python -m tests.scaleout.seed` with the topology's environment (DATABASE_URL,
storage), but no broker and e-mails kept in memory, so that nothing of this setup reaches the
test's mail server. Prints JSON: API tokens and ids.

- mission `settle`: E1 (San Salvador), authorized, its advance paid, back at the duty station:
  the traveler settles it through the servers;
- mission `draft`: a draft of the same traveler, submitted and authorized through the servers
  while the mail server is down."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal


def main() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "viaticos.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from missions import services
    from missions.models import Destination
    from missions.rules import LegInput
    from tests.factories import PASSWORD, OrganizationFactory, ProjectFactory, UserFactory
    from viaticos.roles import Role
    from viaticos.tokens import api_token_create

    def local(*args) -> dt.datetime:
        return timezone.make_aware(dt.datetime(*args))

    call_command("loaddata", "rates_seed", verbosity=0)
    with transaction.atomic():
        people = {
            "traveler": UserFactory(username="lucia", roles=[Role.TRAVELER], profile=True),
            "coordinator": UserFactory(username="carlos", roles=[Role.PROJECT_COORDINATOR]),
            "secretary": UserFactory(username="maria", roles=[Role.EXECUTIVE_SECRETARY]),
            "director": UserFactory(username="jorge", roles=[Role.FINANCE_DIRECTOR]),
            "treasurer": UserFactory(username="sofia", roles=[Role.TREASURY]),
            "assistant": UserFactory(username="diego", roles=[Role.ACCOUNTING_ASSISTANT]),
            "accountant": UserFactory(username="elena", roles=[Role.GENERAL_ACCOUNTANT]),
        }
        OrganizationFactory()
        project = ProjectFactory(code="PREVDA", coordinator=people["coordinator"])
        destination = Destination.objects.get(code="SV-SAL")

        def mission():
            return services.mission_create(
                actor=people["traveler"],
                project=project,
                kind="ordinary",
                purpose="Taller regional de gestión de riesgos",
                expected_results="Plan de acción acordado",
                budget_line="2.1.3 Viajes",
                departure_at=local(2026, 3, 2, 7, 30),
                return_at=local(2026, 3, 5, 19, 0),
                legs=[LegInput(destination, local(2026, 3, 2, 11, 0), local(2026, 3, 5, 15, 0))],
            )

        settle = mission()
        traveler = people["traveler"]
        services.mission_submit(actor=traveler, mission=settle)
        services.mission_authorize(actor=people["coordinator"], mission=settle)
        services.mission_authorize(actor=people["secretary"], mission=settle)
        advance = services.advance_request(
            actor=traveler, mission=settle, terminal_estimate=Decimal("50.00")
        )
        services.advance_approve(actor=people["coordinator"], advance=advance)
        services.advance_approve(actor=people["director"], advance=advance)
        services.advance_sign(actor=traveler, advance=advance)
        advance.refresh_from_db()
        services.advance_disburse(
            actor=people["treasurer"],
            advance=advance,
            disbursed_on=dt.date(2026, 2, 27),
            method="transfer",
            reference="OP-1",
        )
        services.mission_start(actor=traveler, mission=settle)
        services.mission_mark_returned(actor=traveler, mission=settle)
        draft = mission()
        tokens = {role: api_token_create(actor=user) for role, user in people.items()}
    return {
        "password": PASSWORD,
        "usernames": {role: user.username for role, user in people.items()},
        "emails": {role: user.email for role, user in people.items()},
        "tokens": tokens,
        "missions": {"settle": settle.pk, "draft": draft.pk},
    }


if __name__ == "__main__":
    print(json.dumps(main()))
