"""Issue 20 item 4: Treasury sees where to pay (R-S3 logs each view), the payment reference is
required, and paid advances are listed for Treasury, the Finance Director and the Auditor."""

import pytest

from missions import services
from missions.models import Advance
from privacy.models import AccessLogEntry
from viaticos.errors import DomainError

ACCOUNT = "0011-0123-0200123456"


@pytest.fixture
def payee_bank(traveler):
    profile = traveler.traveler_profile
    profile.bank_name, profile.bank_account = "BBVA Perú", ACCOUNT
    profile.save(update_fields=["bank_name", "bank_account"])
    return profile


def test_treasury_sees_the_payees_full_bank_account_and_the_view_is_logged(
    client, treasurer, traveler, signed_advance, payee_bank, django_assert_max_num_queries
):
    signed_advance()
    client.force_login(treasurer)

    with django_assert_max_num_queries(12):
        page = client.get("/tesoreria/desembolsos/")

    text = page.content.decode()
    assert "BBVA Perú" in text and ACCOUNT in text
    (entry,) = AccessLogEntry.objects.all()
    assert entry.actor == treasurer and entry.subject == traveler
    assert "bancarios" in entry.what  # "Datos bancarios (desembolsos)"


def test_treasury_sees_the_account_beside_the_disburse_form_of_the_mission_and_it_is_logged(
    client, treasurer, traveler, signed_advance, payee_bank
):
    advance = signed_advance()
    client.force_login(treasurer)

    text = client.get(advance.mission.get_absolute_url()).content.decode()

    assert ACCOUNT in text
    assert AccessLogEntry.objects.filter(actor=treasurer, subject=traveler).count() == 1


def test_a_payee_without_bank_data_is_shown_as_such_and_nothing_is_logged(
    client, treasurer, signed_advance
):
    signed_advance()
    client.force_login(treasurer)

    text = client.get("/tesoreria/desembolsos/").content.decode()

    assert "Sin datos bancarios registrados" in text
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("persona", ["finance_director", "auditor", "coordinator", "traveler"])
def test_other_roles_do_not_see_the_bank_account(
    client, request, persona, signed_advance, payee_bank
):
    advance = signed_advance()
    user = request.getfixturevalue(persona)
    client.force_login(user)

    assert client.get("/tesoreria/desembolsos/").status_code == 403
    mission_page = client.get(advance.mission.get_absolute_url())
    if mission_page.status_code == 200:
        assert ACCOUNT not in mission_page.content.decode()
    assert not AccessLogEntry.objects.exclude(subject=user).exists()


def test_disbursing_without_a_reference_is_refused_and_the_form_keeps_what_was_typed(
    client, treasurer, signed_advance
):
    advance = signed_advance()
    client.force_login(treasurer)

    response = client.post(
        f"/anticipos/{advance.pk}/disburse/",
        {"disbursed_on": "2026-02-26", "method": "cash", "reference": "   "},
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "Indique la referencia del pago" in text
    assert 'value="2026-02-26"' in text
    assert '<option value="cash" selected>' in text
    advance.refresh_from_db()
    assert advance.status == Advance.Status.SIGNED


def test_disbursing_through_the_api_requires_a_reference(api_client, treasurer, signed_advance):
    advance = signed_advance()
    api_client.force_authenticate(treasurer)

    response = api_client.post(
        f"/api/v1/advances/{advance.pk}/disburse/",
        {"disbursed_on": "2026-02-27", "method": "transfer"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "reference_required"
    assert "Indique la referencia del pago" in response.json()["detail"]


def test_the_service_refuses_a_blank_reference_and_keeps_a_given_one_trimmed(
    treasurer, signed_advance
):
    import datetime as dt

    advance = signed_advance()
    with pytest.raises(DomainError) as refused:
        services.advance_disburse(
            actor=treasurer,
            advance=advance,
            disbursed_on=dt.date(2026, 2, 27),
            method="transfer",
            reference="",
        )
    assert refused.value.code == "reference_required"

    services.advance_disburse(
        actor=treasurer,
        advance=advance,
        disbursed_on=dt.date(2026, 2, 27),
        method="transfer",
        reference="  OP  2026-77 ",
    )
    advance.refresh_from_db()
    assert advance.reference == "OP 2026-77"


def test_a_payment_refused_on_the_queue_keeps_the_typed_date_method_and_filters(
    client, treasurer, signed_advance
):
    advance = signed_advance()
    client.force_login(treasurer)

    response = client.post(
        f"/anticipos/{advance.pk}/disburse/",
        {
            "disbursed_on": "2026-02-26",
            "method": "cash",
            "reference": "  ",
            "next": "/tesoreria/desembolsos/?status=signed&order=-amount",
        },
    )

    assert response.status_code == 400
    assert "missions/treasury.html" in [t.name for t in response.templates]
    text = response.content.decode()
    assert "Indique la referencia del pago" in text
    assert f'id="pay{advance.pk}_disbursed_on"' in text and 'value="2026-02-26"' in text
    assert '<option value="cash" selected>' in text
    # the queue is shown with its filters, and the next payment comes back to them
    assert response.context["filter"].form.data["order"] == "-amount"
    assert 'value="/tesoreria/desembolsos/?status=signed&amp;order=-amount"' in text
    advance.refresh_from_db()
    assert advance.status == Advance.Status.SIGNED


def test_a_payment_recorded_on_the_queue_comes_back_to_the_filtered_queue(
    client, treasurer, signed_advance
):
    advance = signed_advance()
    client.force_login(treasurer)

    response = client.post(
        f"/anticipos/{advance.pk}/disburse/",
        {
            "disbursed_on": "2026-02-26",
            "method": "transfer",
            "reference": "OP-9",
            "next": "/tesoreria/desembolsos/?status=signed",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/tesoreria/desembolsos/?status=signed"
