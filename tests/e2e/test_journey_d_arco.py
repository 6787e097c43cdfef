"""Journey D (SPEC §5, Ley 29733): a member of the public, with no account, files an access
request on /privacidad/arco/ with a copy of their identity document, receives a tracking code
(R-A2), follows it on the public status page (status and dates only, R-A1); the Privacy Officer
answers it from the queue (R-A6); the public status then shows it answered."""

import pytest
from playwright.sync_api import expect

from privacy.models import ArcoRequest
from tests.e2e.steps import click_and_wait, es, file_payload, label, png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAME = "Rosa Mamani Condori"


def test_public_files_an_arco_request_and_the_officer_answers(
    live_server, new_page, sign_in, shot, privacy_officer
):
    base = live_server.url
    public = new_page(locale="es-PE")

    public.goto(f"{base}/privacidad/arco/")
    expect(public.locator("h1")).to_have_text(es("Exercise your rights over your personal data"))
    public.check("input[name=right][value=acceso]")
    public.fill("#id_full_name", NAME)
    public.select_option("#id_document_type", "DNI")
    public.fill("#id_document_number", "45879632")
    public.set_input_files("#id_document_file", file_payload("dni.png", png_bytes((200, 180, 150))))
    public.fill("#id_email", "rosa.mamani@example.org")
    public.fill(
        "#id_request_detail", "Quiero saber qué datos personales míos conservan y una copia."
    )
    public.check("#id_notice_acknowledged")
    shot(public, "01-arco-form-filled")
    click_and_wait(public, public.get_by_role("button", name=es("File my request")))

    # The acknowledgement: the tracking code and the legal due date.
    expect(public.locator("h1")).to_have_text(es("Your request was received"))
    code = public.locator("p.code").inner_text().strip()
    request = ArcoRequest.objects.get()
    assert code == request.tracking_code
    expect(public.locator("dl.facts")).to_contain_text(request.due_date.strftime("%d/%m/%Y"))
    shot(public, "02-arco-received")

    # Follow it on the public page by typing the code.
    public.goto(f"{base}/privacidad/arco/seguimiento/")
    public.fill("#id_code", code.lower())
    click_and_wait(public, public.get_by_role("button", name=es("See the status")))
    expect(public.locator("h1")).to_have_text(es("Status of your request"))
    status = public.locator("dl.facts")
    expect(status).to_contain_text(label(ArcoRequest.Status.RECEIVED))
    expect(public.locator("main, body").first).not_to_contain_text(NAME)  # R-A1: no personal data
    shot(public, "03-public-status-received")
    status_url = public.url

    # The Privacy Officer: the queue, the request with its document, the answer.
    officer = new_page(locale="es-PE")
    sign_in(officer, privacy_officer)
    officer.goto(f"{base}/privacidad/solicitudes/")
    row = officer.locator("tr", has_text=code)
    expect(row).to_contain_text(NAME)
    shot(officer, "04-officer-queue")
    click_and_wait(officer, row.get_by_role("link"))
    expect(officer.locator("h1")).to_contain_text(label(ArcoRequest.Right.ACCESO))
    expect(officer.locator("body")).to_contain_text("45879632")
    # R-A1: identity is verified (and recorded) before anything is disclosed.
    verify = officer.locator("form[action$='/verify/']")
    verify.locator("select[name=method]").select_option("in_person")
    verify.locator("input[name=note]").fill("DNI original mostrado en mesa de partes")
    click_and_wait(officer, verify.get_by_role("button", name=es("Record the verification")))
    expect(officer.locator("ul.messages li.msg-success")).to_be_visible()
    answer = officer.locator("form[action$='/answer/']")
    answer.locator("select[name=outcome]").select_option("granted")
    answer.locator("input[name=data][value=none]").check()  # no account: no data held
    answer.scroll_into_view_if_needed()
    shot(officer, "05-officer-answering")
    answer.locator("textarea[name=response_text]").fill(
        "Le enviamos la relación de sus datos personales y las finalidades de su tratamiento."
    )
    click_and_wait(officer, answer.get_by_role("button", name=es("Send the response letter")))
    expect(officer.locator("ul.messages li.msg-success")).to_be_visible()
    expect(officer.locator("h1 .chip")).to_have_text(label(ArcoRequest.Status.ANSWERED))
    shot(officer, "06-officer-answered")

    # Back on the public status page: answered, with the date.
    public.goto(status_url)
    expect(public.locator("dl.facts")).to_contain_text(label(ArcoRequest.Status.ANSWERED))
    request.refresh_from_db()
    expect(public.locator("dl.facts")).to_contain_text(request.closed_on.strftime("%d/%m/%Y"))
    shot(public, "07-public-status-answered")
