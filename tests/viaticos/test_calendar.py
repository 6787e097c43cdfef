"""R-3.3 business-day calendar of the duty station (Peru by default)."""

import datetime as dt

import pytest
from django.test import override_settings

from viaticos.business_days import BusinessCalendar, add_business_days

D = dt.date
ADD_URL = "/api/v1/calendar/add-business-days/"
DUE_URL = "/api/v1/calendar/settlement-due-date/"


@pytest.fixture
def pe():
    return BusinessCalendar("PE")


def test_weekends_are_not_business_days(pe):
    assert not pe.is_business_day(D(2026, 3, 7))  # Saturday
    assert not pe.is_business_day(D(2026, 3, 8))  # Sunday
    assert pe.is_business_day(D(2026, 3, 9))


@override_settings(VIATICOS_DUTY_COUNTRY="GT")
@pytest.mark.django_db
def test_r_3_3_calendar_follows_the_duty_station_country():
    # 28 July is a Peruvian holiday, not a Guatemalan one.
    assert add_business_days(D(2026, 7, 27), 1) == D(2026, 7, 28)


def test_add_business_days_rejects_zero(pe):
    with pytest.raises(ValueError):
        pe.add_business_days(D(2026, 3, 2), 0)


def test_business_days_between(pe):
    assert pe.business_days_between(D(2026, 3, 2), D(2026, 3, 9)) == 5
    assert pe.business_days_between(D(2026, 3, 9), D(2026, 3, 2)) == -5


@pytest.mark.django_db
def test_add_business_days_endpoint(api_client, traveler):
    api_client.force_authenticate(traveler)
    response = api_client.get(ADD_URL, {"start": "2026-04-01", "days": 1})
    assert response.status_code == 200
    assert response.json() == {"start": "2026-04-01", "days": 1, "result": "2026-04-06"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, field",
    [
        ({"start": "2026-02-30", "days": 1}, "start"),
        ({"start": "yesterday", "days": 1}, "start"),
        ({"start": "2026-03-02", "days": 0}, "days"),
        ({"start": "2026-03-02", "days": "five"}, "days"),
        ({"start": "2026-03-02", "days": 100000}, "days"),
        ({"days": 3}, "start"),
    ],
)
def test_add_business_days_endpoint_rejects_bad_input(api_client, traveler, params, field):
    api_client.force_authenticate(traveler)
    response = api_client.get(ADD_URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]
    assert body["detail"]


@pytest.mark.django_db
def test_bad_date_message_is_in_spanish_by_default(api_client, traveler):
    api_client.force_authenticate(traveler)
    response = api_client.get(DUE_URL, {"return_date": "2026-13-01"})
    assert response.status_code == 400
    assert "Fecha con formato erróneo" in response.json()["detail"]


@pytest.mark.django_db
def test_bad_date_message_in_english_when_asked(api_client, traveler):
    api_client.force_authenticate(traveler)
    response = api_client.get(DUE_URL, {"return_date": "nope"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Date has wrong format" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [ADD_URL + "?start=2026-03-02&days=1", DUE_URL + "?return_date=2026-03-02"]
)
def test_calendar_endpoints_need_authentication(api_client, url):
    response = api_client.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
