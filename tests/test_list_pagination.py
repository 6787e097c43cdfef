"""Long lists come a page at a time (issue 9): the work lists of accounting and treasury and the
traveler's settlements, checked on the benchmark's synthetic organization with pages of two
rows, so that every list has several pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from bench.generate import generate
from missions import selectors as mission_selectors
from settlements import selectors

PER_PAGE = 2

pytestmark = pytest.mark.django_db


class _Silent:
    def write(self, _text):
        pass

    def flush(self):
        pass


@pytest.fixture
def org(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("viaticos.pagination.PER_PAGE", PER_PAGE)
    monkeypatch.setattr("settlements.selectors.TO_SETTLE_PER_PAGE", PER_PAGE)
    named = generate(0.01, today=timezone.localdate(), out=_Silent())
    users = get_user_model().objects.in_bulk(named.users.values())

    def client_for(who):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(users[named.users[who]])
        return client, users[named.users[who]]

    return client_for


def links(html: str, href_prefix: str) -> list[str]:
    return re.findall(rf'href="({re.escape(href_prefix)}\d+/[^"]*)"', html)


def pages_of(total: int) -> int:
    return -(-total // PER_PAGE)


def test_settlement_inbox_pages_each_list_on_its_own(org):
    client, _user = org("bench_assistant")
    to_receive = list(selectors.inbox_to_receive().values_list("pk", flat=True))
    to_review = list(selectors.inbox_to_review().values_list("pk", flat=True))
    assert len(to_receive) > PER_PAGE and len(to_review) > PER_PAGE

    first = client.get("/liquidaciones/bandeja/").content.decode()
    shown = [int(href.split("/")[2]) for href in links(first, "/liquidaciones/")]
    assert shown == to_receive[:PER_PAGE] + to_review[:PER_PAGE]
    assert f"Page 1 of {pages_of(len(to_receive))} ({len(to_receive)} rows)" in first
    assert f"Page 1 of {pages_of(len(to_review))} ({len(to_review)} rows)" in first
    assert 'href="?rpage=2#to-review"' in first and 'href="?page=2#to-receive"' in first

    second = client.get("/liquidaciones/bandeja/?rpage=2").content.decode()
    shown = [int(href.split("/")[2]) for href in links(second, "/liquidaciones/")]
    assert shown == to_receive[:PER_PAGE] + to_review[PER_PAGE : 2 * PER_PAGE]


def test_my_settlements_and_missions_to_settle_come_a_page_at_a_time(org):
    client, traveler = org("traveler_heavy")
    mine = list(selectors.settlements_of_traveler(traveler).values_list("pk", flat=True))
    ready = list(selectors.missions_to_settle(traveler).values_list("pk", flat=True))
    assert len(mine) > PER_PAGE and len(ready) > PER_PAGE

    html = client.get("/liquidaciones/?page=2").content.decode()
    shown = [int(href.split("/")[2]) for href in links(html, "/liquidaciones/")]
    assert shown == mine[PER_PAGE : 2 * PER_PAGE]
    assert f"Page 2 of {pages_of(len(mine))} ({len(mine)} rows)" in html
    starts = re.findall(r'action="/liquidaciones/iniciar/(\d+)/"', html)
    assert [int(pk) for pk in starts] == ready[:PER_PAGE]
    assert f"Page 1 of {pages_of(len(ready))} ({len(ready)} rows)" in html


def test_treasury_pays_from_a_paged_queue_emergencies_first(org):
    client, _user = org("bench_treasury")
    queue = list(mission_selectors.disbursement_queue().values_list("pk", flat=True))
    assert len(queue) > PER_PAGE

    html = client.get("/tesoreria/desembolsos/?page=2").content.decode()
    shown = [int(pk) for pk in re.findall(r"/anticipos/(\d+)/", html)]
    assert list(dict.fromkeys(shown)) == queue[PER_PAGE : 2 * PER_PAGE]
    assert f"Page 2 of {pages_of(len(queue))} ({len(queue)} rows)" in html
    # Each row's date (and method) has its own id and label.
    ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) >= PER_PAGE
    assert all(re.search(rf'<label[^>]* for="{i}"', html) for i in ids)


def test_what_i_owe_comes_a_page_at_a_time_and_the_home_panel_counts_them_all(org):
    from deadlines import selectors as dashboard

    client, traveler = org("traveler_heavy")
    owed = list(
        dashboard.traveler_deadline_advances(traveler, today=timezone.localdate()).values_list(
            "pk", flat=True
        )
    )
    assert len(owed) > 5

    html = client.get("/mis-plazos/?page=2").content.decode()
    shown = [int(pk) for pk in re.findall(r"A-(\d{5}) · ", html)]
    assert shown == owed[PER_PAGE : 2 * PER_PAGE]
    assert f"Page 2 of {pages_of(len(owed))} ({len(owed)} rows)" in html

    home = client.get("/").content.decode()
    assert f"All {len(owed)} advances to settle, and how" in home
