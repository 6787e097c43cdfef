"""Issue 19: no form wipes what was typed. Nueva misión comes back with every value after the
server refuses it (an itinerary that does not hold together)."""

import pytest

from missions.models import Destination, Mission
from tests.missions.test_mission_pages import FORM


@pytest.fixture
def form_data(seed_rates, organization, project):
    return {
        **FORM,
        "project": project.pk,
        "leg1_destination": Destination.objects.get(code="SV-SAL").pk,
    }


def test_nueva_mision_comes_back_with_every_value_after_a_refusal(client, traveler, form_data):
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
    assert 'value="2.1.3"' in html
    assert not Mission.objects.exists()
