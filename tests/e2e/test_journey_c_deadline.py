"""Journey C (SPEC §4): a mission comes back with an advance and is not settled; the daily job
(`enforce_deadlines --date`, time travel) passes the due date and issues the Documentation
Requirement (R-3.3, R-3.4), which the traveler and the General Accountant see; a new advance
is then refused with a message naming the pending mission (R-3.11a).

E1 returns on Thursday 2026-03-05: due on Thursday 2026-03-12, requirement on Friday 03-13.
"""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from deadlines.models import DocumentationRequirement
from missions.models import Advance
from tests.e2e.steps import (
    authorize_in_inbox,
    mission_code,
    request_advance,
    request_mission,
    returned_mission_with_advance,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def enforce(date: str) -> str:
    out = StringIO()
    call_command("enforce_deadlines", "--date", date, stdout=out)
    return out.getvalue()


def test_deadline_passes_requirement_issued_and_new_advance_refused(live_server, story, shot):
    base = live_server.url
    pk = returned_mission_with_advance(story, base, purpose="Misión de seguimiento")
    code = mission_code(pk)
    advance_code = Advance.objects.get(mission_id=pk).code
    traveler = story.page("traveler")

    # Mis plazos: what is owed and by when; no requirement yet.
    traveler.goto(f"{base}/mis-plazos/")
    owed = traveler.locator("section.dl-owe", has_text=code)
    expect(owed).to_contain_text("12/03/2026")
    expect(owed).to_contain_text(advance_code)
    expect(owed).not_to_contain_text("R-3.4")
    shot(traveler, "01-my-deadlines-before")

    # The daily job on the due date issues nothing; the next business day, the requirement.
    enforce("2026-03-12")
    assert not DocumentationRequirement.objects.exists()
    enforce("2026-03-13")
    requirement = DocumentationRequirement.objects.get()
    assert requirement.issued_on.isoformat() == "2026-03-13"
    assert [m.to for m in mail.outbox if requirement.code in m.subject + m.body]

    traveler.reload()
    owed = traveler.locator("section.dl-owe", has_text=code)
    expect(owed).to_contain_text(requirement.code)
    expect(owed).to_contain_text("13/03/2026")
    expect(owed.get_by_role("link", name=requirement.code)).to_be_visible()
    shot(traveler, "02-my-deadlines-requirement")

    accountant = story.page("accountant")
    accountant.goto(f"{base}/contabilidad/plazos/")
    row = accountant.locator("tr", has_text=advance_code)
    expect(row).to_contain_text(requirement.code)
    shot(accountant, "03-accountant-dashboard")

    # A new mission is authorized, but its advance is refused while E1 is unsettled.
    second = request_mission(traveler, base, purpose="Segundo taller", days=(16, 19))
    second_code = mission_code(second)
    authorize_in_inbox(story.page("coordinator"), base, second_code)
    authorize_in_inbox(story.page("executive_secretary"), base, second_code)
    request_advance(traveler, base, second)
    refusal = traveler.locator("ul.messages li.msg-error")
    expect(refusal).to_contain_text(code)
    expect(refusal).to_contain_text(advance_code)
    expect(refusal.locator("a.rule-why")).to_have_attribute("href", "/reglas/#R-3.11a")
    expect(traveler.locator("#id_terminal_estimate")).to_be_visible()  # nothing was created
    shot(traveler, "04-new-advance-refused")
    assert not Advance.objects.filter(mission_id=second).exists()
