"""Official exchange rates that arrive by themselves (R-3.10): the BCRP and Banguat adapters on
recorded answers, `fetch_exchange_rates`, and the failure report finance and /readyz read."""

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from viaticos import exchange_fetch
from viaticos.exchange import rates_fetch_problem
from viaticos.fx_sources import Banguat, Bcrp, SourceError, UrllibHttp
from viaticos.models import ExchangeRate, ExchangeRateFeed

FIXTURES = Path(__file__).parent / "fixtures" / "fx"
BCRP_NOV = "bcrp_PD04640PD_2026-11-20_2026-12-02.json"
BANGUAT_NOV = "banguat_TipoCambioRango_2026-11-25_2026-12-02.xml"
TODAY = "2026-12-02"


def answer(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class RecordedHttp:
    """Answers each bank with a recorded body (or raises), and remembers what was asked."""

    def __init__(self, bcrp=BCRP_NOV, banguat=BANGUAT_NOV):
        self.bcrp, self.banguat = bcrp, banguat
        self.asked: list[tuple[str, bytes | None]] = []

    def _reply(self, recorded):
        if isinstance(recorded, Exception):
            raise recorded
        return recorded if isinstance(recorded, bytes) else answer(recorded)

    def get(self, url):
        self.asked.append((url, None))
        assert url.startswith(Bcrp.base_url)
        return self._reply(self.bcrp)

    def post(self, url, body, headers):
        self.asked.append((url, body))
        assert url == Banguat.url and headers["SOAPAction"] == f'"{Banguat.action}"'
        return self._reply(self.banguat)


@pytest.fixture
def http(monkeypatch):
    recorded = RecordedHttp()
    monkeypatch.setattr(exchange_fetch, "UrllibHttp", lambda: recorded)
    return recorded


def fetch(*args):
    out, err = StringIO(), StringIO()
    call_command("fetch_exchange_rates", "--date", TODAY, *args, stdout=out, stderr=err)
    return out.getvalue()


# --- Adapters on recorded answers ---------------------------------------------------------------


def test_r_3_10_bcrp_adapter_reads_the_recorded_answer():
    rates = Bcrp().parse(answer(BCRP_NOV))
    assert len(rates) == 9  # business days only: weekends are simply absent
    assert rates[0].date == dt.date(2026, 11, 20) and rates[0].units_per_usd == Decimal("3.371")
    assert rates[-1].date == dt.date(2026, 12, 2)  # "Dic", Spanish month names
    assert rates[-1].units_per_usd == Decimal("3.375000")


def test_r_3_10_bcrp_a_holiday_published_as_nd_is_no_rate_and_no_error():
    rates = Bcrp().parse(answer("bcrp_PD04640PD_2026-12-07_2026-12-09_holiday.json"))
    assert [rate.date.day for rate in rates] == [7, 9]


def test_r_3_10_bcrp_a_range_without_publication_is_empty_not_an_error():
    assert Bcrp().parse(answer("bcrp_PD04640PD_weekend_empty.json")) == []
    assert Bcrp().parse(b"<html><p>No se encontraron datos</p></html>") == []


@pytest.mark.parametrize(
    "body",
    [
        b"<html>Error 500</html>",
        b"{not json",
        b'{"periods":[{"name":"31.Foo.26","values":["3"]}]}',
        b'{"periods":[{"name":"02.Dic.26","values":["-3.1"]}]}',
    ],
)
def test_r_3_10_bcrp_an_unreadable_answer_is_a_source_error(body):
    with pytest.raises(SourceError):
        Bcrp().parse(body)


def test_r_3_10_bcrp_asks_the_series_for_the_range():
    url = Bcrp().url(dt.date(2026, 11, 20), dt.date(2026, 12, 2))
    assert url.endswith("/PD04640PD/json/2026-11-20/2026-12-02/esp")


def test_r_3_10_banguat_adapter_reads_the_recorded_answer():
    rates = Banguat().parse(answer(BANGUAT_NOV))
    assert len(rates) == 8  # every calendar day, weekends included
    assert rates[0].date == dt.date(2026, 11, 25)
    assert rates[0].units_per_usd == Decimal("7.669120")
    body = Banguat().request_body(dt.date(2026, 11, 25), dt.date(2026, 12, 2)).decode()
    assert "<fechainit>25/11/2026</fechainit><fechafin>02/12/2026</fechafin>" in body


def test_r_3_10_banguat_soap_fault_and_garbage_are_source_errors():
    with pytest.raises(SourceError, match="Formato de fecha"):
        Banguat().parse(answer("banguat_fault.xml"))
    with pytest.raises(SourceError):
        Banguat().parse(b"<html>mantenimiento")
    with pytest.raises(SourceError):  # an entity bomb is refused, not expanded
        Banguat().parse(b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')


def test_the_real_http_client_asks_only_https():
    with pytest.raises(SourceError, match="only https"):
        UrllibHttp().get("file:///etc/passwd")


# --- The command --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r_3_10_fetch_stores_both_banks_and_is_idempotent(http):
    out = fetch("--country", "PE", "--country", "GT")
    assert "PE BCRP PEN 2026-11-01→2026-12-02: 9 days published, 9 added" in out
    assert "GT Banguat GTQ" in out and "8 added" in out
    assert ExchangeRate.objects.filter(currency="PEN", source="BCRP").count() == 9
    assert ExchangeRate.objects.filter(currency="GTQ", source="Banguat").count() == 8
    pen = ExchangeRate.objects.get(currency="PEN", date=dt.date(2026, 12, 2))
    assert pen.units_per_usd == Decimal("3.375") and pen.history.count() == 1

    again = fetch("--country", "PE", "--country", "GT")
    assert "PEN 2026-11-25→2026-12-02: 6 days published, 0 added, 0 corrected" in again
    assert ExchangeRate.objects.count() == 17
    assert pen.history.count() == 1  # nothing rewritten
    # the second run asks from a week before the latest stored day, to catch corrections
    assert http.asked[-2][0].endswith("/json/2026-11-25/2026-12-02/esp")
    feed = ExchangeRateFeed.objects.get(country="PE")
    assert feed.latest_rate_date == dt.date(2026, 12, 2) and feed.last_error == ""
    assert rates_fetch_problem() is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_r_3_10_a_corrected_rate_replaces_the_stored_one_with_history(http):
    fetch("--country", "PE")
    http.bcrp = answer(BCRP_NOV).replace(b'"3.3750"', b'"3.3790"')
    out = fetch("--country", "PE")
    assert "0 added, 1 corrected" in out
    pen = ExchangeRate.objects.get(currency="PEN", date=dt.date(2026, 12, 2))
    assert pen.units_per_usd == Decimal("3.379")
    assert pen.history.first().history_change_reason == "fetch_exchange_rates"


@pytest.mark.django_db
def test_r_3_10_a_day_without_publication_is_not_an_error(http):
    http.bcrp = "bcrp_PD04640PD_weekend_empty.json"
    out = fetch("--country", "PE", "--since", "2026-11-28")
    assert "0 days published, 0 added" in out
    assert ExchangeRateFeed.objects.get(country="PE").last_success_at is not None
    assert rates_fetch_problem() is None and mail.outbox == []


@pytest.mark.django_db
def test_r_3_10_dry_run_asks_but_stores_and_records_nothing(http):
    out = fetch("--country", "GT", "--dry-run")
    assert "dry run: nothing stored" in out and "2026-11-25 7.669120" in out
    assert not ExchangeRate.objects.exists() and not ExchangeRateFeed.objects.exists()


@pytest.mark.django_db
def test_r_3_10_a_failure_is_reported_to_finance_and_to_readyz(
    http, finance_director, accountant, traveler, django_capture_on_commit_callbacks
):
    http.banguat = "banguat_fault.xml"
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(CommandError, match="1 of 2 exchange-rate sources failed"),
    ):
        fetch("--country", "PE", "--country", "GT")
    # the other bank's rates are stored all the same
    assert ExchangeRate.objects.filter(currency="PEN").count() == 9
    assert not ExchangeRate.objects.filter(currency="GTQ").exists()
    problem = rates_fetch_problem()
    assert problem is not None and "GT (Banguat)" in problem and "Formato de fecha" in problem
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {finance_director.email, accountant.email}
    assert traveler.email not in message.to
    assert "Banguat" in message.subject and "Formato de fecha" in message.body
    assert "import_exchange_rates" in message.body

    http.banguat = BANGUAT_NOV  # the next run succeeds: the problem is gone
    fetch("--country", "GT")
    assert rates_fetch_problem() is None


@pytest.mark.django_db
def test_r_3_10_an_unreachable_bank_is_a_failure(http, settings):
    settings.VIATICOS_FX_COUNTRIES = ["PE"]
    http.bcrp = SourceError("estadisticas.bcrp.gob.pe: timed out")
    with pytest.raises(CommandError):
        fetch()
    assert "timed out" in rates_fetch_problem()


@pytest.mark.django_db
def test_r_3_10_a_country_without_adapter_is_a_problem(http, settings):
    settings.VIATICOS_FX_COUNTRIES = ["PE", "HN"]
    assert rates_fetch_problem() == "HN: no exchange-rate adapter"
    with pytest.raises(CommandError):
        fetch("--country", "HN")


@pytest.mark.django_db
def test_r_3_10_no_successful_fetch_for_longer_than_the_rate_age_is_a_problem(settings):
    settings.VIATICOS_FX_COUNTRIES = ["PE"]
    assert rates_fetch_problem() is None  # never run yet: a new installation is ready
    ExchangeRateFeed.objects.create(
        country="PE",
        source="BCRP",
        currency="PEN",
        last_attempt_at=timezone.now() - dt.timedelta(days=9),
        last_success_at=timezone.now() - dt.timedelta(days=9),
    )
    assert "no successful fetch since" in rates_fetch_problem()


def test_fetch_refuses_a_bad_since():
    with pytest.raises(CommandError, match="not a date"):
        call_command("fetch_exchange_rates", "--since", "02/12/2026")


@pytest.mark.django_db
def test_fetch_refuses_a_since_after_today_without_recording_a_failure(http):
    with pytest.raises(CommandError, match="after today"):
        fetch("--country", "PE", "--since", "2026-12-05")
    assert http.asked == [] and not ExchangeRateFeed.objects.exists()
