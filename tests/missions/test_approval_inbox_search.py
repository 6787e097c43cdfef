"""Issue 20, lists: the approver's inbox (*Por aprobar*) can be searched and filtered (traveler,
project, code, destination, departure dates), missions and advances alike, kept across pages."""

from missions import services
from missions.models import Mission

URL = "/por-aprobar/"


def _submitted(make_mission, user=None):
    mission = make_mission(user)
    services.mission_submit(
        actor=mission.traveler, mission=mission, overlap_reason="Misiones de prueba paralelas"
    )
    return mission


def test_the_inbox_is_searched_by_traveler_and_code(
    client, coordinator, make_mission, other_traveler
):
    other_traveler.first_name, other_traveler.last_name = "Rosa", "Quispe"
    other_traveler.save()
    lucia, rosa = _submitted(make_mission), _submitted(make_mission, other_traveler)
    client.force_login(coordinator)

    def found(**params):
        return [m.pk for m in client.get(URL, params).context["missions"]]

    assert sorted(found()) == sorted([lucia.pk, rosa.pk])
    assert found(q="quispe") == [rosa.pk]
    assert found(q=lucia.code) == [lucia.pk]
    assert found(departure_from="2026-04-01") == []
    response = client.get(URL, {"q": "quispe"})
    assert response.context["missions"].paginator.count == 1
    assert "Buscar y filtrar" in response.content.decode()


def test_the_inbox_search_is_kept_across_pages(
    client, coordinator, make_mission, other_traveler, monkeypatch
):
    from viaticos import pagination

    monkeypatch.setattr(pagination, "PER_PAGE", 1)
    _submitted(make_mission), _submitted(make_mission, other_traveler)
    client.force_login(coordinator)
    page = client.get(URL, {"q": "salvador"}).content.decode()
    assert "?q=salvador&amp;page=2" in page
    assert Mission.objects.filter(status=Mission.Status.SUBMITTED).count() == 2
