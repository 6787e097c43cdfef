"""Where official exchange rates come from: one small adapter per duty-station country (R-3.10).

An adapter knows one central bank: which currency it publishes against the US dollar, how to
ask for a range of days and how to read the answer. It does no database work and no clock
reading; it is handed an HTTP client (`Http`), so tests feed it recorded answers
(tests/viaticos/fixtures/fx/) and never touch the network.

Adding a country
----------------
1. Write a class with `country` (ISO 3166-1 alpha-2 of the duty station), `currency` (ISO 4217),
   `source` (short name stored with each rate, e.g. "BCRP") and
   `fetch(start, end, http) -> list[PublishedRate]`: every day the bank published in
   [start, end], as units of the currency per US dollar. A day without a publication (weekend,
   holiday) is simply absent; an answer that cannot be read raises `SourceError`.
2. Register an instance in `ADAPTERS` below, record a real answer of the bank in
   tests/viaticos/fixtures/fx/ and test the adapter on it (see tests/viaticos/test_fx_fetch.py).
3. Set `VIATICOS_FX_COUNTRIES` (or the duty country) so that `fetch_exchange_rates` runs it.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from defusedxml import ElementTree as ET

TIMEOUT_SECONDS = 30


class SourceError(Exception):
    """The bank could not be reached or its answer could not be read."""


@dataclass(frozen=True)
class PublishedRate:
    date: dt.date
    units_per_usd: Decimal


class Http(Protocol):
    """The little HTTP a source needs; `UrllibHttp` in production, a recorder in tests."""

    def get(self, url: str) -> bytes: ...

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> bytes: ...


class UrllibHttp:
    """HTTP through the standard library (no dependency); any failure is a SourceError."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS):
        self.timeout = timeout

    def _open(self, request: urllib.request.Request) -> bytes:
        if request.type != "https":
            raise SourceError(f"{request.full_url}: only https is asked")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body: bytes = response.read()
                return body
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SourceError(f"{request.full_url}: {error}") from error

    def get(self, url: str) -> bytes:
        return self._open(urllib.request.Request(url, headers={"User-Agent": "viaticos"}))  # noqa: S310

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> bytes:
        return self._open(
            urllib.request.Request(  # noqa: S310 (https only, checked in _open)
                url, data=body, headers={"User-Agent": "viaticos", **headers}, method="POST"
            )
        )


def _rate(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise SourceError(f"{where}: {text!r} is not a rate") from None
    if not value.is_finite() or value <= 0:
        raise SourceError(f"{where}: {text!r} is not a positive rate")
    return value.quantize(Decimal("0.000001"))


class Bcrp:
    """Peru: Banco Central de Reserva del Perú, BCRPData statistics API.

    Series PD04640PD, "Tipo de cambio - TC Interbancario (S/ por US$) - Venta" (daily), read
    as JSON: `{"config": …, "periods": [{"name": "04.Set.26", "values": ["3.3645"]}, …]}`.
    Day names use Spanish month abbreviations (Ene … Dic, "Set" for September; English ones are
    accepted too); a day without a value says "n.d.". A range with no publication at all is
    answered without periods (or with an HTML page saying so), which is not an error.
    """

    country = "PE"
    currency = "PEN"
    source = "BCRP"
    series = "PD04640PD"
    base_url = "https://estadisticas.bcrp.gob.pe/estadisticas/series/api"
    MONTHS = {
        **dict.fromkeys(("ene", "jan"), 1),
        "feb": 2,
        "mar": 3,
        **dict.fromkeys(("abr", "apr"), 4),
        "may": 5,
        "jun": 6,
        "jul": 7,
        **dict.fromkeys(("ago", "aug"), 8),
        **dict.fromkeys(("set", "sep"), 9),
        "oct": 10,
        "nov": 11,
        **dict.fromkeys(("dic", "dec"), 12),
    }
    NO_DATA = ("n.d.", "nd", "-", "")

    def url(self, start: dt.date, end: dt.date) -> str:
        return f"{self.base_url}/{self.series}/json/{start.isoformat()}/{end.isoformat()}/esp"

    def fetch(self, start: dt.date, end: dt.date, http: Http) -> list[PublishedRate]:
        body = http.get(self.url(start, end))
        return self.parse(body)

    def _day(self, name: str) -> dt.date:
        try:
            day, month, year = name.strip().split(".")
            return dt.date(2000 + int(year), self.MONTHS[month.lower()], int(day))
        except (ValueError, KeyError):
            raise SourceError(f"BCRP: {name!r} is not a day") from None

    def parse(self, body: bytes) -> list[PublishedRate]:
        text = body.decode("utf-8", errors="replace").strip()
        if not text.startswith("{"):
            # BCRPData answers a range without data with a page, not JSON.
            if "no se encontraron" in text.lower() or "no data" in text.lower():
                return []
            raise SourceError(f"BCRP: the answer is not JSON: {text[:120]!r}")
        try:
            document = json.loads(text)
        except ValueError as error:
            raise SourceError(f"BCRP: unreadable JSON ({error})") from None
        periods = document.get("periods") if isinstance(document, dict) else None
        if periods is None:
            return []
        if not isinstance(periods, list):
            raise SourceError("BCRP: `periods` is not a list")
        rates = []
        for period in periods:
            try:
                name, values = period["name"], period["values"]
            except (TypeError, KeyError):
                raise SourceError(f"BCRP: unexpected period {period!r}") from None
            value = values[0] if isinstance(values, list) and values else values
            if not isinstance(value, str) or value.strip().lower() in self.NO_DATA:
                continue  # a day without publication
            rates.append(PublishedRate(self._day(name), _rate(value, f"BCRP {name}")))
        return rates


class Banguat:
    """Guatemala: Banco de Guatemala, web service TipoCambio.asmx, operation TipoCambioRango.

    A SOAP 1.1 request with `fechainit` and `fechafin` (dd/mm/yyyy); the answer lists
    `<Var><moneda>2</moneda><fecha>01/08/2026</fecha><venta>7.6350</venta><compra>…</compra>
    </Var>` per day, moneda 2 being the US dollar. The rate stored is `venta` (quetzales per
    dollar, the reference rate). Banguat publishes every calendar day.
    """

    country = "GT"
    currency = "GTQ"
    source = "Banguat"
    url = "https://www.banguat.gob.gt/variables/ws/TipoCambio.asmx"
    action = "http://www.banguat.gob.gt/variables/ws/TipoCambioRango"
    NS = "{http://www.banguat.gob.gt/variables/ws/}"
    US_DOLLAR = "2"

    def request_body(self, start: dt.date, end: dt.date) -> bytes:
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
            "<soap:Body>"
            '<TipoCambioRango xmlns="http://www.banguat.gob.gt/variables/ws/">'
            f"<fechainit>{start:%d/%m/%Y}</fechainit><fechafin>{end:%d/%m/%Y}</fechafin>"
            "</TipoCambioRango></soap:Body></soap:Envelope>"
        ).encode()

    def fetch(self, start: dt.date, end: dt.date, http: Http) -> list[PublishedRate]:
        body = http.post(
            self.url,
            self.request_body(start, end),
            {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{self.action}"'},
        )
        return self.parse(body)

    def parse(self, body: bytes) -> list[PublishedRate]:
        try:
            root = ET.fromstring(body)
        except (ET.ParseError, ValueError) as error:
            raise SourceError(f"Banguat: unreadable XML ({error})") from None
        fault = root.find(".//{http://schemas.xmlsoap.org/soap/envelope/}Fault")
        if fault is not None:
            reason = fault.findtext("faultstring") or " ".join(fault.itertext())
            raise SourceError(f"Banguat: {reason.strip()[:200]}")
        result = root.find(f".//{self.NS}TipoCambioRangoResult")
        if result is None:
            raise SourceError("Banguat: the answer has no TipoCambioRangoResult")
        rates = []
        for var in result.iter(f"{self.NS}Var"):
            currency = (var.findtext(f"{self.NS}moneda") or "").strip()
            if currency and currency != self.US_DOLLAR:
                continue
            day_text = (var.findtext(f"{self.NS}fecha") or "").strip()
            try:
                day = dt.datetime.strptime(day_text, "%d/%m/%Y").date()
            except ValueError:
                raise SourceError(f"Banguat: {day_text!r} is not a day") from None
            value = var.findtext(f"{self.NS}venta")
            rates.append(PublishedRate(day, _rate(value or "", f"Banguat {day_text}")))
        return rates


ADAPTERS: dict[str, Bcrp | Banguat] = {adapter.country: adapter for adapter in (Bcrp(), Banguat())}
