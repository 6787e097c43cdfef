"""R-3.3, R-3.11a on real parallel PostgreSQL connections: Treasury pays an advance at the
moment the traveler starts the settlement. Either the payment comes first and the settlement
accounts for it, or the settlement comes first and the payment is refused; never both, never an
advance paid outside its settlement."""

import datetime as dt
import threading
from functools import partial

import pytest
from django.db import connections

from missions import services as mission_services
from missions.models import Advance
from settlements import services
from settlements.models import Settlement
from tests.factories import UserFactory
from viaticos.errors import DomainError
from viaticos.roles import Role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(*actions) -> list[str]:
    """Run the actions at once, each on its own connection; their outcomes in order."""
    barrier = threading.Barrier(len(actions))
    outcomes = [""] * len(actions)

    def worker(index, action):
        try:
            barrier.wait(timeout=30)
            action()
            outcomes[index] = "ok"
        except DomainError as error:
            outcomes[index] = error.code
        except Exception as error:  # noqa: BLE001 (shown in the assertion, not lost in a thread)
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_r_3_11a_paying_while_the_settlement_starts_pays_once_inside_the_settlement(
    signed_advance, treasurer
):
    for n in range(4):
        # one traveler per round: a paid advance of the previous round is pending settlement
        traveler = UserFactory(username=f"viajero{n}", roles=[Role.TRAVELER], profile=True)
        advance = signed_advance(traveler)
        mission = advance.mission
        mission_services.mission_start(actor=traveler, mission=mission)
        mission_services.mission_mark_returned(actor=traveler, mission=mission)

        pay, start = together(
            partial(
                mission_services.advance_disburse,
                actor=treasurer,
                advance=advance,
                disbursed_on=dt.date(2026, 3, 6),
                method="transfer",
                reference=f"OP-{n:04d}",
            ),
            partial(services.settlement_start, actor=traveler, mission=mission),
        )

        assert start == "ok", start
        advance.refresh_from_db()
        settlement = Settlement.objects.get(mission=mission)
        if pay == "ok":
            assert advance.status == Advance.Status.DISBURSED
            assert settlement.advance_id == advance.pk
            assert settlement.advance_amount == advance.amount
        else:
            assert pay == "settlement_started", pay
            assert advance.status == Advance.Status.CANCELLED
            assert settlement.advance_id is None
