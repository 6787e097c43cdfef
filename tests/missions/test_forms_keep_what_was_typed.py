"""Issue 19: no form wipes what was typed. Nueva misión comes back with every value after the
server refuses it (an itinerary that does not hold together)."""

import pytest

from missions.models import Destination, Mission
from tests.missions.test_mission_pages import FORM


@pytest.fixture
def form_data(seed_rates, organization, project, budget_line):
    return {
        **FORM,
        "project": project.pk,
        "line": budget_line.pk,
        "leg1_destination": Destination.objects.get(code="SV-SAL").pk,
    }


def test_nueva_mision_comes_back_with_every_value_after_a_refusal(
    client, traveler, form_data, budget_line
):
    client.force_login(traveler)
    data = {
        **form_data,
        "purpose": "Taller regional de gestión de riesgos",
        "expected_results": "Plan de acción firmado por los cinco países",
        # The stay ends after the return: the server refuses the itinerary.
        "leg1_leave_at": "2026-03-06T15:00",
    }
    response = client.post("/misiones/nueva/", {**data, "submit": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Taller regional de gestión de riesgos</textarea>" in html
    assert "Plan de acción firmado por los cinco países</textarea>" in html
    assert 'value="2026-03-06T15:00"' in html and 'value="2026-03-02T07:30"' in html
    assert f'<option value="{budget_line.pk}" selected>' in html
    assert not Mission.objects.exists()


def test_a_refused_action_on_the_mission_page_keeps_what_was_typed(
    client, make_mission, traveler, coordinator, executive_secretary
):
    """A rejection, a stop and an advance request refused on the mission's page come back with
    the reason, the amount and the comment typed (no redirect, nothing lost)."""
    from missions import services

    mission = make_mission()
    services.mission_submit(actor=traveler, mission=mission)
    client.force_login(coordinator)
    too_long = "Las fechas del taller cambiaron. " * 70  # over the 2,000 characters allowed
    answer = client.post(f"/misiones/{mission.pk}/reject/", {"reason": too_long})
    assert answer.status_code == 400
    assert f'value="{too_long}"' in answer.content.decode()
    mission.refresh_from_db()
    assert mission.status == Mission.Status.SUBMITTED

    services.mission_authorize(actor=coordinator, mission=mission)
    services.mission_authorize(actor=executive_secretary, mission=mission)
    client.force_login(traveler)
    refused = client.post(f"/misiones/{mission.pk}/request_advance/", {"terminal_estimate": "-5"})
    assert refused.status_code == 400
    assert 'value="-5"' in refused.content.decode()

    client.force_login(executive_secretary)
    stop = client.post(
        f"/misiones/{mission.pk}/suspend/",
        {"reason": "Emergencia sanitaria en destino", "amount_spent": "doce"},
    )
    assert stop.status_code == 400
    html = stop.content.decode()
    assert "<details open>" in html and 'value="Emergencia sanitaria en destino"' in html
    mission.refresh_from_db()
    assert mission.status == Mission.Status.AUTHORIZED
