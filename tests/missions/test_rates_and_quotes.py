"""Rate tables (R-3.8) and quotes (R-3.8b): admin validation, approval flow, quotes page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from missions.models import Destination, Quote, Rate, RateTable
from missions.rates import daily_rate_for
from missions.services import quote_approve, quote_record, quote_reject
from viaticos.errors import DomainError

pytestmark = pytest.mark.django_db


def login_staff(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)


def admin_table_post(client, **overrides):
    data = {
        "name": "Tabla 2026",
        "valid_from": "2026-01-01",
        "valid_to": "",
        "lunch_share": "0.50",
        "dinner_share": "0.50",
        "source": "Circular 1/2026",
        "rates-TOTAL_FORMS": "1",
        "rates-INITIAL_FORMS": "0",
        "rates-MIN_NUM_FORMS": "0",
        "rates-MAX_NUM_FORMS": "1000",
        "rates-0-destination": str(Destination.objects.get(code="GT").pk),
        "rates-0-lodging": "95.00",
        "rates-0-meals": "45.00",
    }
    data.update(overrides)
    return client.post("/admin/missions/ratetable/add/", data)


def test_r_3_8_admin_refuses_a_table_overlapping_another_for_the_same_destination(
    client, finance_director, seed_rates
):
    login_staff(client, finance_director)
    response = admin_table_post(client)
    assert response.status_code == 200
    assert "ya tiene una tarifa" in response.content.decode()
    assert RateTable.objects.count() == 1


def test_r_3_8_a_new_table_after_closing_the_old_one_is_accepted_and_past_trips_keep_theirs(
    client, finance_director, seed_rates
):
    login_staff(client, finance_director)
    old = RateTable.objects.get()
    old.valid_to = dt.date(2025, 12, 31)
    old.full_clean()
    old.save()
    response = admin_table_post(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    gt = Destination.objects.get(code="GT")
    assert daily_rate_for(destination=gt, on=dt.date(2025, 6, 1)).lodging == Decimal("80.00")
    assert daily_rate_for(destination=gt, on=dt.date(2026, 6, 1)).lodging == Decimal("95.00")
    assert RateTable.objects.get(name="Tabla 2026").history.count() == 1


def test_r_3_8_reopening_a_closed_table_over_a_newer_one_is_refused(seed_rates):
    old = RateTable.objects.get()
    old.valid_to = dt.date(2025, 12, 31)
    old.save()
    new = RateTable.objects.create(name="2026", valid_from=dt.date(2026, 1, 1))
    Rate.objects.create(
        table=new, destination=Destination.objects.get(code="NI"), lodging=1, meals=1
    )
    old.valid_to = None
    with pytest.raises(ValidationError) as error:
        old.full_clean()
    assert "NI" in str(error.value)


def test_r_3_8_validity_and_shares_are_checked(seed_rates):
    table = RateTable(
        name="x",
        valid_from=dt.date(2030, 1, 2),
        valid_to=dt.date(2030, 1, 1),
        lunch_share=Decimal("0.60"),
        dinner_share=Decimal("0.50"),
    )
    with pytest.raises(ValidationError) as error:
        table.full_clean()
    assert "valid_to" in error.value.message_dict
    table.valid_to = None
    with pytest.raises(ValidationError) as error:
        table.full_clean()
    assert "100" in str(error.value)


@pytest.fixture
def miami(db):
    return Destination.objects.create(
        code="US-MIA", name="Miami", country="US", in_table_region=False
    )


def record(by, destination, **kwargs):
    values = dict(
        lodging=Decimal("150.00"),
        meals=Decimal("60.00"),
        source="Hotel X, cotización 2026-02-10",
        valid_from=dt.date(2026, 3, 1),
        valid_to=dt.date(2026, 3, 10),
    )
    values.update(kwargs)
    return quote_record(actor=by, destination=destination, **values)


def test_r_3_8b_proposed_and_rejected_quotes_are_never_used(traveler, finance_director, miami):
    quote = record(traveler, miami)
    assert daily_rate_for(destination=miami, on=dt.date(2026, 3, 2)) is None
    with pytest.raises(DomainError) as error:
        quote_reject(quote=quote, actor=finance_director, comment="")
    assert error.value.code == "reason_required"
    quote_reject(quote=quote, actor=finance_director, comment="Fuente no oficial")
    assert daily_rate_for(destination=miami, on=dt.date(2026, 3, 2)) is None
    with pytest.raises(DomainError) as error:
        quote_approve(quote=quote, actor=finance_director)
    assert error.value.code == "already_decided"


def test_r_3_8b_only_the_finance_director_approves_and_never_their_own(
    traveler, coordinator, finance_director, miami
):
    quote = record(traveler, miami)
    with pytest.raises(DomainError) as error:
        quote_approve(quote=quote, actor=coordinator)
    assert error.value.code == "not_allowed"
    own = record(finance_director, miami)
    with pytest.raises(DomainError) as error:
        quote_approve(quote=own, actor=finance_director)
    assert error.value.code == "own_request"
    quote_approve(quote=quote, actor=finance_director, comment="OK")
    quote.refresh_from_db()
    assert quote.status == Quote.Status.APPROVED and quote.decided_by == finance_director
    assert quote.history.first().history_user == finance_director
    assert daily_rate_for(destination=miami, on=dt.date(2026, 3, 2)).lodging == Decimal("150.00")


def test_r_3_8b_quote_recorded_and_approved_through_the_pages(
    client, traveler, finance_director, miami
):
    client.force_login(traveler)
    response = client.post(
        "/viaticos/cotizaciones/",
        {
            "destination": "US-MIA",
            "lodging": "150.00",
            "meals": "60.00",
            "source": "Hotel X",
            "valid_from": "2026-03-01",
            "valid_to": "2026-03-10",
        },
    )
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert quote.requested_by == traveler and quote.status == Quote.Status.PROPOSED
    # A traveler cannot decide.
    client.post(f"/viaticos/cotizaciones/{quote.pk}/decidir/", {"decision": "approve"})
    quote.refresh_from_db()
    assert quote.status == Quote.Status.PROPOSED
    client.force_login(finance_director)
    page = client.get("/viaticos/cotizaciones/").content.decode()
    assert "Aprobar" in page and "Miami" in page
    client.post(f"/viaticos/cotizaciones/{quote.pk}/decidir/", {"decision": "approve"})
    quote.refresh_from_db()
    assert quote.status == Quote.Status.APPROVED


def test_quote_page_rejects_negative_amounts_and_reversed_dates(client, traveler, miami):
    client.force_login(traveler)
    response = client.post(
        "/viaticos/cotizaciones/",
        {
            "destination": "US-MIA",
            "lodging": "-1",
            "meals": "60.00",
            "source": "Hotel X",
            "valid_from": "2026-03-10",
            "valid_to": "2026-03-01",
        },
    )
    assert response.status_code == 200
    assert "no pueden ser negativos" in response.content.decode()
    assert not Quote.objects.exists()


def test_others_quotes_are_not_visible_to_a_traveler(client, traveler, other_traveler, miami):
    quote = record(other_traveler, miami)
    client.force_login(traveler)
    assert "Hotel X" not in client.get("/viaticos/cotizaciones/").content.decode()
    response = client.post(f"/viaticos/cotizaciones/{quote.pk}/decidir/", {"decision": "approve"})
    assert response.status_code == 404
