"""Steps shared by the browser journeys: each one is clicks and form fills on the real pages.

Texts are looked up in the Spanish catalogue from their English msgids (`es`), so a reworded
message does not break a journey while the assertion still reads what a Spanish user sees.
"""

from __future__ import annotations

import io
import re

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

PROJECT = "PREVDA — Gestión de riesgos"
SAN_SALVADOR = "San Salvador, El Salvador (SV-SAL)"


def es(msgid: str, **values) -> str:
    with translation.override("es"):
        text = gettext(msgid)
    return text % values if values else text


def label(choice) -> str:
    """The Spanish label of a model choice (status chips)."""
    with translation.override("es"):
        return str(choice.label)


def click_and_wait(page: Page, locator) -> None:
    """Submit a form and wait for the page it leads to (every action is a POST + redirect)."""
    with page.expect_navigation():
        locator.click()


def expect_message(page: Page, text: str, kind: str = "success") -> None:
    expect(page.locator(f"ul.messages li.msg-{kind}")).to_contain_text(text)


def pdf_bytes(title: str) -> bytes:
    """A small real PDF with visible text (WeasyPrint, as the product renders its own)."""
    from weasyprint import HTML

    return HTML(string=f"<h1>{title}</h1><p>Documento de prueba.</p>").write_pdf()


def png_bytes(colour=(40, 90, 160)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), colour)
    ImageDraw.Draw(image).text((20, 80), "BOLETA 001-0042  USD 15.00", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def file_payload(name: str, content: bytes) -> dict:
    mime = "application/pdf" if name.endswith(".pdf") else "image/png"
    return {"name": name, "mimeType": mime, "buffer": content}


# --- missions and advances ---------------------------------------------------------------


def fill_mission(page: Page, base: str, *, purpose: str, days=(2, 5)) -> None:
    first, last = days
    page.goto(f"{base}/misiones/nueva/")
    expect(page.locator("h1")).to_have_text(es("New mission"))
    page.select_option("#id_project", label=PROJECT)
    page.select_option("#id_line", label="PREVDA · 2.1.3 · Pasajes y viáticos")
    page.select_option("#id_kind", "ordinary")
    page.fill("#id_purpose", purpose)
    page.fill("#id_expected_results", "Plan de acción acordado con los socios")
    page.fill("#id_departure_at", f"2026-03-{first:02d}T07:30")
    page.fill("#id_return_at", f"2026-03-{last:02d}T19:00")
    page.select_option("#id_leg1_destination", label=SAN_SALVADOR)
    page.fill("#id_leg1_arrive_at", f"2026-03-{first:02d}T11:00")
    page.fill("#id_leg1_leave_at", f"2026-03-{last:02d}T15:00")


def submit_mission(page: Page) -> int:
    """Save and submit the filled form; answers the mission's id (from the page's address)."""
    click_and_wait(page, page.get_by_role("button", name=es("Save and submit for authorization")))
    expect_message(page, es("Mission submitted for authorization."))
    match = re.search(r"/misiones/(\d+)/$", page.url)
    assert match, page.url
    return int(match.group(1))


def request_mission(page: Page, base: str, *, purpose="Taller regional", days=(2, 5)) -> int:
    fill_mission(page, base, purpose=purpose, days=days)
    return submit_mission(page)


def mission_code(pk: int) -> str:
    from missions.models import Mission

    return Mission.objects.get(pk=pk).code


def inbox_item(page: Page, code: str):
    """A request's card in *Por aprobar*."""
    return page.locator("li.request-card").filter(has_text=code)


def authorize_in_inbox(page: Page, base: str, code: str) -> None:
    page.goto(f"{base}/por-aprobar/")
    click_and_wait(
        page, inbox_item(page, code).get_by_role("button", name=es("Authorize"), exact=True)
    )
    expect_message(page, es("Authorization recorded."))


def approve_advance_in_inbox(page: Page, base: str, code: str) -> None:
    page.goto(f"{base}/por-aprobar/")
    click_and_wait(
        page, inbox_item(page, code).get_by_role("button", name=es("Approve"), exact=True)
    )
    expect_message(page, es("Approval recorded."))


def request_advance(page: Page, base: str, pk: int, terminal="50.00") -> None:
    page.goto(f"{base}/misiones/{pk}/")
    page.fill("#id_terminal_estimate", terminal)
    label = es("Request advance (%(total)s USD per diem + terminal expenses)", total="")
    button = page.get_by_role("button", name=re.compile("^" + re.escape(label.split("(")[0])))
    click_and_wait(page, button)


def sign_advance(page: Page, base: str, pk: int) -> None:
    page.goto(f"{base}/misiones/{pk}/")
    click_and_wait(page, page.get_by_role("button", name=es("Sign the advance request")))
    expect_message(page, es("Advance signed: Treasury can now pay it."))


def disburse(
    page: Page, base: str, code: str, reference="OP-2026-0001", paid_on="2026-02-27"
) -> None:
    """Treasury pays from its queue, dated before the journeys' March missions (the form offers
    today, which would be months after their return: a late payment, R-5)."""
    page.goto(f"{base}/tesoreria/desembolsos/")
    row = page.locator("tr").filter(has_text=code)
    row.locator("input[name=disbursed_on]").fill(paid_on)
    row.locator("input[name=reference]").fill(reference)
    click_and_wait(page, row.get_by_role("button", name=es("Disburse"), exact=True))
    expect_message(page, es("Disbursement recorded."))


def travel_and_return(page: Page, base: str, pk: int) -> None:
    page.goto(f"{base}/misiones/{pk}/")
    click_and_wait(page, page.get_by_role("button", name=es("Start the mission")))
    expect_message(page, es("Mission started. Have a good trip."))
    click_and_wait(page, page.get_by_role("button", name=es("I am back at the duty station")))
    expect_message(page, es("Welcome back. Submit the settlement with your receipts."))


def returned_mission_with_advance(story, base: str, *, purpose="Taller regional") -> int:
    """A mission requested, authorized, advanced, paid, travelled and back: all through pages."""
    traveler = story.page("traveler")
    pk = request_mission(traveler, base, purpose=purpose)
    code = mission_code(pk)
    authorize_in_inbox(story.page("coordinator"), base, code)
    authorize_in_inbox(story.page("executive_secretary"), base, code)
    request_advance(traveler, base, pk)
    expect_message(traveler, es("Advance requested."))
    approve_advance_in_inbox(story.page("coordinator"), base, code)
    approve_advance_in_inbox(story.page("finance_director"), base, code)
    sign_advance(traveler, base, pk)
    disburse(story.page("treasurer"), base, code)
    travel_and_return(traveler, base, pk)
    return pk


class Story:
    """One signed-in browser context per person, opened on first use."""

    def __init__(self, new_page, sign_in, users: dict):
        self._new_page, self._sign_in, self._users = new_page, sign_in, users
        self._pages: dict[str, Page] = {}

    def page(self, who: str, *, phone: bool = False) -> Page:
        key = f"{who}:phone" if phone else who
        if key not in self._pages:
            page = self._new_page(locale="es-PE", phone=phone)
            self._sign_in(page, self._users[who])
            self._pages[key] = page
        return self._pages[key]
