"""Journey A (SPEC §2.4): a traveler requests a mission and an advance; the Project Coordinator
and the Executive Secretary authorize the mission; the coordinator and the Finance Director
approve the advance (R-3.1 then asks the traveler to sign); Treasury disburses."""

import re

import pytest
from playwright.sync_api import expect

from missions.models import Advance, Mission, MissionEvent
from tests.e2e.steps import (
    approve_advance_in_inbox,
    authorize_in_inbox,
    click_and_wait,
    disburse,
    es,
    expect_message,
    fill_mission,
    inbox_item,
    label,
    mission_code,
    request_advance,
    sign_advance,
    submit_mission,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def chip(page):
    return page.locator("h1 .chip")


def advance_chip(page):
    return page.locator("section.card", has=page.get_by_role("heading", name=es("Advance")))


def test_mission_and_advance_from_request_to_disbursement(live_server, story, shot):
    base = live_server.url
    traveler = story.page("traveler")

    # Nueva misión: "Calcular" shows the per diem line by line before anything is saved.
    fill_mission(traveler, base, purpose="Taller regional de gestión de riesgos")
    shot(traveler, "01-new-mission-filled")
    click_and_wait(traveler, traveler.get_by_role("button", name=es("Calculate"), exact=True))
    breakdown = traveler.locator("section.card", has_text=es("Planned per diem"))
    expect(breakdown.locator("table")).to_be_visible()
    expect(breakdown.locator("a.rule-why").first).to_have_attribute("href", "/reglas/#R-3.9")
    expect(breakdown).to_contain_text("400.00")  # E1: San Salvador, 3 nights, 4 mission days
    shot(traveler, "02-new-mission-breakdown")

    pk = submit_mission(traveler)
    code = mission_code(pk)
    expect(chip(traveler)).to_have_text(label(Mission.Status.SUBMITTED))
    expect(traveler.locator("p.lead")).to_contain_text(es("Project Coordinator"))
    shot(traveler, "03-mission-submitted")

    # Por aprobar: the coordinator sees it, authorizes; then the Executive Secretary.
    coordinator = story.page("coordinator")
    coordinator.goto(f"{base}/por-aprobar/")
    expect(inbox_item(coordinator, code)).to_contain_text("400.00")
    shot(coordinator, "04-coordinator-inbox")
    authorize_in_inbox(coordinator, base, code)
    expect(inbox_item(coordinator, code)).to_have_count(0)
    authorize_in_inbox(story.page("executive_secretary"), base, code)

    traveler.goto(f"{base}/misiones/{pk}/")
    expect(chip(traveler)).to_have_text(label(Mission.Status.AUTHORIZED))
    expect(traveler.locator("p.lead")).to_have_text(
        es("Request the advance if you need one, then start the mission.")
    )

    # The advance: per diem + terminal expenses.
    request_advance(traveler, base, pk, terminal="50.00")
    expect_message(traveler, es("Advance requested."))
    expect(advance_chip(traveler)).to_contain_text(label(Advance.Status.REQUESTED))
    expect(advance_chip(traveler)).to_contain_text("450.00")
    shot(traveler, "05-advance-requested")

    approve_advance_in_inbox(coordinator, base, code)
    finance = story.page("finance_director")
    finance.goto(f"{base}/por-aprobar/")
    expect(inbox_item(finance, code)).to_contain_text("450.00")
    shot(finance, "06-finance-inbox")
    approve_advance_in_inbox(finance, base, code)

    # approved, the traveler signs before Treasury may pay.
    traveler.goto(f"{base}/misiones/{pk}/")
    expect(advance_chip(traveler)).to_contain_text(label(Advance.Status.APPROVED))
    expect(traveler.locator("p.lead")).to_contain_text(
        es("Sign the advance request so that Treasury can pay it (R-3.1).").split(" (")[0]
    )
    shot(traveler, "07-advance-to-sign")
    sign_advance(traveler, base, pk)
    expect(traveler.locator("p.lead")).to_have_text(es("Treasury will disburse the advance."))

    treasury = story.page("treasurer")
    treasury.goto(f"{base}/tesoreria/desembolsos/")
    expect(treasury.locator("tr", has_text=code)).to_contain_text("450.00")
    shot(treasury, "08-treasury-queue")
    disburse(treasury, base, code, reference="OP-2026-0001")
    expect(treasury.locator("tr", has_text=code)).to_have_count(0)

    traveler.goto(f"{base}/misiones/{pk}/")
    expect(advance_chip(traveler)).to_contain_text(label(Advance.Status.DISBURSED))
    expect(advance_chip(traveler)).to_contain_text("OP-2026-0001")
    expect(traveler.locator("p.lead")).to_have_text(es("Start the mission on the departure day."))
    expect(traveler.get_by_role("button", name=es("Start the mission"))).to_be_visible()
    shot(traveler, "09-mission-ready-to-travel")

    timeline = traveler.locator(
        "section.card", has=traveler.get_by_role("heading", name=es("Timeline"))
    )
    expect(timeline).to_contain_text(re.compile("Huamán"))
    # The change history says what changed in words, not as internal codes.
    history = traveler.locator(
        "section.card", has=traveler.get_by_role("heading", name=es("Change history"))
    )
    expect(history).to_contain_text(label(MissionEvent.Action.AUTHORIZED_SECRETARY))
    expect(history).not_to_contain_text("authorized_secretary")
