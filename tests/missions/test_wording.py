"""Issue 20, words: the mission pages read naturally in Spanish (and English)."""

from django.utils import translation

from missions.models import Advance, Destination, MissionEvent
from tests.missions.conftest import local


def test_feminine_and_masculine_labels_agree_with_their_noun():
    with translation.override("es"):
        assert Advance.Status.REJECTED.label == "Rechazado"  # el anticipo
        assert Advance.Status.CANCELLED.label == "Anulado"
        assert Advance.Status.RETURNED.label == "Devuelto"
        assert MissionEvent.Action.CREATED.label == "Creada"  # la misión, not "Fecha de creación"
    with translation.override("en"):
        assert MissionEvent.Action.CREATED.label == "Created"


def test_two_destinations_read_as_two_places(make_mission, traveler, client):
    """A place's own name holds a comma ("San Salvador, El Salvador"): places are split by ";"."""
    mission = make_mission()
    mission.legs.update(order=2)
    mission.legs.create(  # an earlier stop in Guatemala (the itinerary's shape is not at stake)
        order=1,
        destination=Destination.objects.get(code="GT"),
        arrive_at=local(2026, 3, 2, 9, 0),
        leave_at=local(2026, 3, 2, 10, 0),
    )
    mission = type(mission).objects.get(pk=mission.pk)
    assert mission.destinations_label == "Guatemala; San Salvador, El Salvador"
    client.force_login(traveler)
    page = client.get("/misiones/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Guatemala; San Salvador, El Salvador" in page


def test_finance_director_inbox_has_no_missions_to_authorize(client, finance_director):
    client.force_login(finance_director)
    page = client.get("/por-aprobar/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Misiones por autorizar" not in page
    assert "Anticipos por aprobar" in page


def test_history_shows_full_names_like_the_timeline(make_mission, traveler, client):
    traveler.first_name, traveler.last_name = "Lucía", "Quispe"
    traveler.save(update_fields=["first_name", "last_name"])
    mission = make_mission()
    client.force_login(traveler)
    page = client.get(mission.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    history = page[page.index("Historial") :] if "Historial" in page else page
    assert "Lucía Quispe" in history
    assert "<td>lucia</td>" not in page
