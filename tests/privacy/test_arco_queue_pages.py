"""R-A7: the Privacy Officer's queue a page at a time, by due date, saying how many requests are
in course, late and due soon, and which page is shown."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from privacy import clock, rules, selectors
from privacy.models import ArcoRequest, NoticeAcknowledgement, PrivacyNotice
from viaticos.business_days import BusinessCalendar, duty_calendar

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 4, 8)  # a Wednesday; 9, 10 and 13 April are the next business days
URL = "/privacidad/solicitudes/"
S = ArcoRequest.Status


@pytest.fixture
def officer_client(client, privacy_officer, monkeypatch):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return client


def _requests(*specs: tuple[D, str, D | None]) -> list[ArcoRequest]:
    """(due date, status, correction due date) each; filed through the form elsewhere, here
    only the rows the queue reads."""
    return ArcoRequest.objects.bulk_create(
        ArcoRequest(
            tracking_code=f"ARCO-2026-{index:05d}",
            right="acceso",
            status=status,
            full_name=f"Persona {index}",
            document_type="DNI",
            document_number=f"{45000000 + index}",
            request_detail="Copia de mis datos.",
            received_on=D(2026, 3, 2),
            counts_from=D(2026, 3, 2),
            original_due_date=due,
            due_date=due,
            correction_due_date=correction,
        )
        for index, (due, status, correction) in enumerate(specs, start=1)
    )


def _a_busy_queue() -> list[ArcoRequest]:
    late = [(D(2026, 4, 1 + n), S.RECEIVED, None) for n in range(3)]
    observed_late = [(D(2026, 5, 20), S.OBSERVED, D(2026, 4, 7))]  # the correction is due
    observed_ok = [(D(2026, 4, 1), S.OBSERVED, D(2026, 5, 20))]  # waiting for the requester
    soon = [(TODAY, S.RECEIVED, None), (D(2026, 4, 13), S.EXTENDED, None)]
    ok = [(D(2026, 5, 4) + dt.timedelta(days=n % 20), S.RECEIVED, None) for n in range(48)]
    closed = [(D(2026, 3, 20), S.ANSWERED, None)] * 5
    return _requests(*late, *observed_late, *observed_ok, *soon, *ok, *closed)


def _next_due(request: ArcoRequest) -> tuple:
    """What the queue sorts by: what is due next (an observed request's correction)."""
    if request.status == S.OBSERVED and request.correction_due_date:
        return (request.correction_due_date, request.pk)
    return (request.due_date, request.pk)


def _codes(html: str) -> list[str]:
    return re.findall(r"ARCO-2026-\d{5}", html)


def test_r_a7_queue_shows_fifty_requests_a_page_by_what_is_due_next_and_how_many(officer_client):
    requests = _a_busy_queue()
    in_course = sorted((r for r in requests if r.is_open), key=_next_due)

    first = officer_client.get(URL)
    second = officer_client.get(URL, {"page": 2})

    text = first.content.decode()
    assert _codes(text) == [r.tracking_code for r in in_course[:50]]
    assert _codes(second.content.decode()) == [r.tracking_code for r in in_course[50:]]
    assert "55 solicitudes en trámite" in text
    assert "4 vencidas" in text and "2 por vencer" in text
    assert "Solicitudes 1–50 de 55 en trámite" in text
    assert "Página 1 de 2 (55 filas)" in text
    assert 'href="?page=2" rel="next"' in text
    assert 'href="?page=1" rel="prev"' in second.content.decode()
    assert "Solicitudes 51–55 de 55 en trámite" in second.content.decode()


def test_r_a7_closed_requests_stay_listed_on_every_page_once_asked_for(officer_client):
    requests = _a_busy_queue()
    everything = sorted(requests, key=_next_due)

    first = officer_client.get(URL, {"all": "1"})
    second = officer_client.get(URL, {"all": "1", "page": "2"})

    text = first.content.decode()
    assert _codes(text) == [r.tracking_code for r in everything[:50]]
    assert _codes(second.content.decode()) == [r.tracking_code for r in everything[50:]]
    assert 'href="?all=1&amp;page=2" rel="next"' in text
    assert "Solicitudes 1–50 de 60 (incluidas las cerradas)" in text
    assert "55 solicitudes en trámite" in text  # the counts are of those in course


def test_r_a7_a_page_past_the_end_shows_the_last_one(officer_client):
    requests = _a_busy_queue()

    response = officer_client.get(URL, {"page": 99})

    assert response.status_code == 200
    assert len(_codes(response.content.decode())) == len([r for r in requests if r.is_open]) - 50


def test_r_a7_counts_in_one_query_match_the_urgency_of_each_request(
    officer_client, django_assert_num_queries
):
    _a_busy_queue()
    calendar = duty_calendar()
    rows = selectors.with_urgency(selectors.arco_queue(), TODAY, calendar=calendar)
    by_urgency = Counter(r.urgency for r in rows)

    with django_assert_num_queries(1):
        counts = selectors.arco_queue_counts(TODAY, calendar=calendar)

    assert counts == {"open": 55, "late": by_urgency["late"], "soon": by_urgency["soon"]}
    assert (by_urgency["late"], by_urgency["soon"]) == (4, 2)


@pytest.mark.parametrize("today", [TODAY + dt.timedelta(days=n) for n in range(-10, 30)])
def test_r_a7_due_soon_means_at_most_three_business_days_away(today):
    calendar = BusinessCalendar("PE")  # Holy Thursday and Friday fall on 2 and 3 April 2026
    until = rules.due_soon_until(calendar, today)
    for due in (today + dt.timedelta(days=n) for n in range(0, 15)):
        soon = calendar.business_days_between(today, due) <= rules.DUE_SOON_DAYS
        assert (due <= until) == soon, (today, due)
        assert rules.urgency(calendar, due, today) == ("soon" if soon else "ok")
