"""POST /api/v1/per-diem/quote/ (SPEC §7): E1–E6 through HTTP, brackets, bad input."""

import datetime as dt
from decimal import Decimal

import pytest

from missions.models import Destination, Quote
from missions.services import quote_approve, quote_record

URL = "/api/v1/per-diem/quote/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(api_client, traveler, seed_rates):
    api_client.force_authenticate(traveler)
    return api_client


def post(client, lang="es", **body):
    return client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE=lang)


def totals(data):
    return (data["lodging_total"], data["meals_total"], data["total"])


def test_r_3_9_e1_san_salvador_through_the_api(client_in):
    response = post(
        client_in,
        destination="SV-SAL",
        departure_at="2026-03-02T07:30",
        return_at="2026-03-05T19:00",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["currency"] == "USD"
    assert totals(data) == ("240.00", "160.00", "400.00")
    assert data["sponsor_total"] == "0.00"
    assert data["lines"][0] == {
        "date": "2026-03-02",
        "concept": "lodging",
        "rate": "80.00",
        "share": "1.00",
        "factor": "1.00",
        "amount": "80.00",
        "rule": "R-3.9",
    }
    assert len(data["lines"]) == 3 + 4


def test_r_3_9_e2_san_jose_late_departure_early_return(client_in):
    data = post(
        client_in,
        destination="CR-SJO",
        departure_at="2026-03-02T18:00",
        return_at="2026-03-04T08:00",
    ).json()
    meals = [line for line in data["lines"] if line["concept"] == "meals"]
    assert [line["amount"] for line in meals] == ["13.33", "40.00", "13.20"]
    assert [line["factor"] for line in meals] == ["0.3333", "1.00", "0.33"]
    assert totals(data) == ("200.00", "66.53", "266.53")


def test_r_3_9_e3_guatemala_same_day(client_in):
    data = post(
        client_in, destination="GT", departure_at="2026-03-02T10:00", return_at="2026-03-02T15:00"
    ).json()
    assert totals(data) == ("0.00", "26.66", "26.66")
    assert [line["concept"] for line in data["lines"]] == ["meals"]


def test_r_3_14_e4_panama_event_covers_lunch(client_in):
    data = post(
        client_in,
        destination="PA",
        departure_at="2026-03-02T08:00",
        return_at="2026-03-04T20:00",
        meals_covered={"2026-03-03": ["lunch"], "2026-03-04": ["lunch"]},
    ).json()
    assert totals(data) == ("200.00", "80.00", "280.00")
    covered = [line for line in data["lines"] if line["rule"] == "R-3.14"]
    assert [(line["date"], line["share"], line["amount"]) for line in covered] == [
        ("2026-03-03", "0.50", "20.00"),
        ("2026-03-04", "0.50", "20.00"),
    ]


def test_r_3_14_e5_san_pedro_sula_all_meals_covered(client_in):
    data = post(
        client_in,
        destination="HN-SPS",
        departure_at="2026-03-02T07:00",
        return_at="2026-03-05T18:00",
        all_meals_covered=True,
    ).json()
    assert totals(data) == ("270.00", "0.00", "270.00")


def test_r_6_e6_nicaragua_sponsor_complement(client_in):
    data = post(
        client_in,
        destination="NI",
        departure_at="2026-03-02T07:00",
        return_at="2026-03-04T18:00",
        sponsor_daily_amount="50.00",
    ).json()
    assert totals(data) == ("180.00", "120.00", "160.00")
    assert data["sponsor_total"] == "-140.00"
    sponsor = [line["amount"] for line in data["lines"] if line["concept"] == "sponsor"]
    assert sponsor == ["-50.00", "-50.00", "-40.00"]
    assert {line["rule"] for line in data["lines"] if line["concept"] == "sponsor"} == {"R-6"}


@pytest.mark.parametrize(
    "time, factor, amount",
    [
        ("08:59", "1.00", "40.00"),
        ("09:00", "0.6666", "26.66"),
        ("16:59", "0.6666", "26.66"),
        ("17:00", "0.3333", "13.33"),
    ],
)
def test_r_3_9_departure_bracket_boundaries_via_api(client_in, time, factor, amount):
    data = post(
        client_in,
        destination="SV-SAL",
        departure_at=f"2026-03-02T{time}",
        return_at="2026-03-03T20:00",
    ).json()
    first = next(line for line in data["lines"] if line["concept"] == "meals")
    assert (first["factor"], first["amount"]) == (factor, amount)


@pytest.mark.parametrize(
    "time, factor, amount",
    [
        ("08:59", "0.33", "13.20"),
        ("09:00", "0.6666", "26.66"),
        ("16:59", "0.6666", "26.66"),
        ("17:00", "1.00", "40.00"),
    ],
)
def test_r_3_9_return_bracket_boundaries_via_api(client_in, time, factor, amount):
    data = post(
        client_in,
        destination="SV-SAL",
        departure_at="2026-03-02T07:00",
        return_at=f"2026-03-03T{time}",
    ).json()
    last = [line for line in data["lines"] if line["concept"] == "meals"][-1]
    assert (last["factor"], last["amount"]) == (factor, amount)


@pytest.mark.parametrize(
    "dep, ret, factor",
    [
        ("08:00", "08:59", "0.33"),
        ("09:00", "16:59", "0.6666"),
        ("08:59", "17:00", "1.00"),
        ("17:00", "23:00", "0.3333"),
    ],
)
def test_r_3_9_same_day_takes_the_smaller_factor_via_api(client_in, dep, ret, factor):
    data = post(
        client_in,
        destination="GT",
        departure_at=f"2026-03-02T{dep}",
        return_at=f"2026-03-02T{ret}",
    ).json()
    assert [line["factor"] for line in data["lines"]] == [factor]


def test_r_2c_home_country_without_hotel_via_api(client_in):
    data = post(
        client_in,
        destination="GT",
        departure_at="2026-03-02T07:00",
        return_at="2026-03-03T19:00",
        home_country_no_hotel=True,
    ).json()
    assert totals(data) == ("0.00", "80.00", "80.00")


def test_offset_times_are_read_as_duty_station_local_time(client_in):
    # 12:30 UTC is 07:30 in Lima: same result as E1.
    data = post(
        client_in,
        destination="SV-SAL",
        departure_at="2026-03-02T12:30:00Z",
        return_at="2026-03-06T00:00:00Z",
    ).json()
    assert totals(data) == ("240.00", "160.00", "400.00")


# --- errors ---------------------------------------------------------------------------------


def error_of(response):
    assert response.status_code == 400, response.content
    return response.json()["code"], response.json()["detail"]


def test_return_before_departure_is_400_in_spanish_and_english(client_in):
    body = dict(destination="GT", departure_at="2026-03-05T07:00", return_at="2026-03-02T19:00")
    code, detail = error_of(post(client_in, **body))
    assert code == "return_before_departure"
    assert detail == "El regreso debe ser posterior a la salida."
    code, detail = error_of(post(client_in, lang="en", **body))
    assert detail == "The return must be after the departure."


def test_unknown_destination(client_in):
    code, detail = error_of(
        post(
            client_in,
            destination="XX",
            departure_at="2026-03-02T07:00",
            return_at="2026-03-03T19:00",
        )
    )
    assert code == "unknown_destination" and "XX" in detail


@pytest.fixture
def miami(db):
    return Destination.objects.create(
        code="US-MIA", name="Miami", country="US", in_table_region=False
    )


def test_r_3_8b_destination_without_rate_and_no_quote_is_refused(client_in, miami):
    code, detail = error_of(
        post(
            client_in,
            destination="US-MIA",
            departure_at="2026-03-02T07:00",
            return_at="2026-03-03T19:00",
        )
    )
    assert code == "rate_requires_quote"
    assert "US-MIA" in detail and "R-3.8b" in detail


def test_r_3_8b_quote_in_the_body_supplies_the_rates(client_in, miami):
    data = post(
        client_in,
        destination="US-MIA",
        departure_at="2026-03-02T07:00",
        return_at="2026-03-03T19:00",
        quote={"lodging": "150.00", "meals": "60.00"},
    ).json()
    assert totals(data) == ("150.00", "120.00", "270.00")


def test_r_3_8b_only_an_approved_quote_feeds_the_per_diem(
    client_in, miami, traveler, finance_director
):
    body = dict(destination="US-MIA", departure_at="2026-03-02T07:00", return_at="2026-03-03T19:00")
    quote = quote_record(
        actor=traveler,
        destination=miami,
        lodging=Decimal("150.00"),
        meals=Decimal("60.00"),
        source="Hotel X, cotización 2026-02-10",
        valid_from=dt.date(2026, 3, 1),
        valid_to=dt.date(2026, 3, 10),
    )
    assert error_of(post(client_in, **body))[0] == "rate_requires_quote"
    quote_approve(quote=quote, actor=finance_director)
    assert Quote.objects.get().status == Quote.Status.APPROVED
    response = post(client_in, **body)
    assert response.status_code == 200
    assert response.json()["total"] == "270.00"
    # Outside its validity the quote does not apply.
    body.update(departure_at="2026-03-20T07:00", return_at="2026-03-21T19:00")
    assert error_of(post(client_in, **body))[0] == "rate_requires_quote"


def test_r_6_complement_not_eligible_over_30_days(client_in):
    code, detail = error_of(
        post(
            client_in,
            destination="GT",
            departure_at="2026-03-01T07:00",
            return_at="2026-03-31T19:00",
            sponsor_daily_amount="10.00",
        )
    )
    assert code == "complement_not_eligible" and "30" in detail


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"sponsor_daily_amount": "-5.00"}, "sponsor_daily_amount"),
        ({"sponsor_daily_amount": "abc"}, "sponsor_daily_amount"),
        ({"quote": {"lodging": "-1", "meals": "10"}}, "quote"),
        ({"departure_at": "2026-13-02T07:00"}, "departure_at"),
        ({"return_at": "mañana"}, "return_at"),
        ({"meals_covered": {"03/03/2026": ["lunch"]}}, "meals_covered"),
    ],
)
def test_bad_input_is_400_with_a_code_and_a_spanish_message(client_in, extra, field):
    body = dict(destination="GT", departure_at="2026-03-02T07:00", return_at="2026-03-03T19:00")
    body.update(extra)
    response = post(client_in, **body)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert field in data["errors"]
    assert data["detail"]


def test_negative_amount_message_in_both_languages(client_in):
    body = dict(
        destination="GT",
        departure_at="2026-03-02T07:00",
        return_at="2026-03-03T19:00",
        sponsor_daily_amount="-5",
    )
    assert "no pueden ser negativos" in post(client_in, **body).json()["detail"]
    assert "cannot be negative" in post(client_in, lang="en", **body).json()["detail"]


def test_unknown_meal_time_and_meal_date_outside_the_trip(client_in):
    body = dict(destination="GT", departure_at="2026-03-02T07:00", return_at="2026-03-03T19:00")
    code, detail = error_of(post(client_in, meals_covered={"2026-03-02": ["brunch"]}, **body))
    assert code == "unknown_meal_time" and "brunch" in detail
    code, _ = error_of(post(client_in, meals_covered={"2026-03-09": ["lunch"]}, **body))
    assert code == "meal_date_outside_mission"


def test_anonymous_gets_401(api_client, seed_rates):
    response = api_client.post(
        URL,
        {"destination": "GT", "departure_at": "2026-03-02T07:00", "return_at": "2026-03-03T19:00"},
        format="json",
    )
    assert response.status_code == 401


def test_any_signed_in_user_may_quote(api_client, outsider, seed_rates):
    api_client.force_authenticate(outsider)
    response = post(
        api_client, destination="GT", departure_at="2026-03-02T07:00", return_at="2026-03-03T19:00"
    )
    assert response.status_code == 200


def test_endpoint_is_in_the_openapi_schema(client_in):
    schema = client_in.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/per-diem/quote/" in schema and "PerDiemQuoteInput" in schema


def test_the_calculator_refuses_a_mission_longer_than_the_limit(client_in):
    response = post(
        client_in,
        destination="SV-SAL",
        departure_at="2026-03-02T07:30",
        return_at="2099-03-05T19:00",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "mission_too_long"
