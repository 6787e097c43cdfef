"""Journey E (R-3.1d, R-3.1s): the Project Coordinator travels on his own project. Nobody can
be asked to approve their own mission, so the deputy the organization configured as alternate
authorizes it with the Executive Secretary; the coordinator sees who stands in and why. The
alternate also works on a phone."""

import pytest
from playwright.sync_api import expect

from missions.models import ApprovalAlternate, Mission, MissionEvent, Slot
from tests.e2e.steps import (
    click_and_wait,
    es,
    expect_message,
    fill_mission,
    inbox_item,
    label,
    mission_code,
    submit_mission,
)
from tests.factories import UserFactory
from viaticos.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coordinators_own_mission_is_authorized_by_the_configured_alternate(
    live_server, new_page, sign_in, people, reference_data, coordinator, executive_secretary, shot
):
    base = live_server.url
    coordinator.groups.add(*_groups(Role.TRAVELER))
    from viaticos.models import TravelerProfile

    TravelerProfile.objects.create(
        user=coordinator, document_type="DNI", document_number="41234567", home_country="PE"
    )
    deputy = UserFactory(
        username="ana", first_name="Ana", last_name="Flores", roles=[Role.PROJECT_COORDINATOR]
    )
    ApprovalAlternate.objects.create(
        project=reference_data, slot=Slot.COORDINATOR, alternate=deputy, note="Coordinadora adjunta"
    )

    # The coordinator requests a mission on his own project.
    own = new_page()
    sign_in(own, coordinator)
    fill_mission(own, base, purpose="Supervisión de obras de mitigación")
    pk = submit_mission(own)
    code = mission_code(pk)
    authorizations = own.locator("section.card", has_text=es("Authorizations"))
    expect(authorizations).to_contain_text("Ana Flores")
    expect(authorizations).to_contain_text(
        es("The %(role)s is the requester", role=es("Project Coordinator"))
    )
    expect(own.get_by_role("button", name=es("Authorize"), exact=True)).to_have_count(0)
    shot(own, "01-own-mission-waits-for-the-alternate")

    # The alternate finds it in Por aprobar, with the reason, on a phone.
    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    sign_in(phone, deputy)
    phone.goto(f"{base}/por-aprobar/")
    card = inbox_item(phone, code)
    expect(card).to_contain_text(es("Alternate: %(why)s", why=""))
    expect(card).to_contain_text("Supervisión de obras de mitigación")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the inbox is {width}px wide on a 390px phone"
    shot(phone, "02-alternate-inbox-phone")
    click_and_wait(phone, card.get_by_role("button", name=es("Authorize"), exact=True))
    expect_message(phone, es("Authorization recorded."))

    # The Executive Secretary selects it and approves the selection.
    secretary = new_page()
    sign_in(secretary, executive_secretary)
    secretary.goto(f"{base}/por-aprobar/")
    inbox_item(secretary, code).locator("input[type=checkbox]").check()
    click_and_wait(secretary, secretary.get_by_role("button", name=es("Approve selected")))
    expect_message(secretary, es("Approved: %(codes)s.", codes=code))
    shot(secretary, "03-secretary-bulk-approved")

    own.goto(f"{base}/misiones/{pk}/")
    expect(own.locator("h1 .chip")).to_have_text(label(Mission.Status.AUTHORIZED))
    expect(own.locator("section.card", has_text=es("Authorizations"))).to_contain_text("Ana Flores")
    shot(own, "04-own-mission-authorized")
    mission = Mission.objects.get(pk=pk)
    assert mission.coordinator_authorized_by == deputy
    assert mission.secretary_authorized_by == executive_secretary
    event = MissionEvent.objects.get(mission=mission, action="authorized_coordinator")
    assert event.basis  # the reason the alternate decided is on the timeline


def _groups(*roles):
    from django.contrib.auth.models import Group

    return Group.objects.filter(name__in=[r.value for r in roles])
