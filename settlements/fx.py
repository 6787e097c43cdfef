"""Receipts in foreign currency (R-3.10): converted at the official rate of their date, kept as
*rate pending* while that rate is not published, recomputed when a rate for their date arrives
or is corrected, and frozen once their settlement is settled.

The traveler is never asked to import anything: a receipt dated after the latest published
rate is simply kept, and `fetch_exchange_rates` / `import_exchange_rates` (through
`viaticos.exchange.rates_changed`) convert it when the rate comes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pycountry
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from settlements.errors import SettlementsError
from settlements.models import Receipt, Settlement
from viaticos.errors import DomainError
from viaticos.exchange import USD, conversion_to_usd, max_age_days
from viaticos.models import ExchangeRate
from viaticos.money import round_money
from viaticos.rules_registry import enforces

# A settled settlement keeps the amounts it was settled with.
FROZEN = frozenset({Settlement.Status.SETTLED, Settlement.Status.CLOSED})


@dataclass(frozen=True)
class ReceiptFx:
    """A receipt's USD amount and the rate behind it; `amount_usd` None = rate pending."""

    amount_usd: Decimal | None
    rate: Decimal | None
    rate_date: dt.date | None
    source: str = ""

    @property
    def pending(self) -> bool:
        return self.amount_usd is None


def check_currency(currency: str) -> str:
    """An ISO 4217 currency code (upper case), or a DomainError on `currency`."""
    code = (currency or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or pycountry.currencies.get(alpha_3=code) is None:
        raise DomainError(
            SettlementsError.INVALID_CURRENCY, _("Enter an ISO currency code."), field="currency"
        )
    return code


def _published_after(currency: str, on: dt.date) -> bool:
    """Whether a rate for `currency` dated on or after `on` has been published (stored)."""
    return ExchangeRate.objects.filter(currency=currency, date__gte=on).exists()


@enforces("R-3.10")
def receipt_fx(amount: Decimal, currency: str, on: dt.date) -> ReceiptFx:
    """R-3.10: `amount` in `currency` at the official rate of `on`.

    The latest rate on or before `on`, no older than VIATICOS_FX_MAX_AGE_DAYS. When no rate on
    or after `on` is published yet, the receipt is *rate pending* (amount_usd None), never
    refused; only a gap in rates already published (older than the limit, with later ones
    there) is an error."""
    currency = currency.upper()
    if currency == USD:
        return ReceiptFx(round_money(amount), Decimal("1"), None, "")
    try:
        conversion = conversion_to_usd(amount, currency, on)
    except DomainError as error:
        if error.code in ("exchange_rate_missing", "exchange_rate_too_old") and not (
            _published_after(currency, on)
        ):
            return ReceiptFx(None, None, None, "")
        raise
    return ReceiptFx(
        conversion.amount_usd, conversion.units_per_usd, conversion.rate_date, conversion.source
    )


def apply_fx(receipt: Receipt, fx: ReceiptFx) -> list[str]:
    """Set the conversion on `receipt`; the names of the fields that changed."""
    values = {
        "amount_usd": fx.amount_usd,
        "fx_rate": fx.rate,
        "fx_rate_date": fx.rate_date,
        "fx_source": fx.source,
    }
    changed = [name for name, value in values.items() if getattr(receipt, name) != value]
    for name in changed:
        setattr(receipt, name, values[name])
    return changed


@enforces("R-3.10")
@transaction.atomic
def receipts_follow_rates(*, changes: dict[str, set[dt.date]]) -> int:
    """R-3.10: recompute the receipts that a new or corrected rate reaches (those of its
    currency dated from the rate's date up to VIATICOS_FX_MAX_AGE_DAYS after it), in every
    settlement not yet settled; settled ones stay frozen. Returns how many receipts changed."""
    if not changes:
        return 0
    reach = Q()
    for currency, dates in changes.items():
        reach |= Q(
            currency=currency.upper(),
            date__gte=min(dates),
            date__lte=max(dates) + dt.timedelta(days=max_age_days()),
        )
    receipts = list(
        Receipt.objects.select_for_update()
        .filter(reach)
        .exclude(settlement__status__in=FROZEN)
        .order_by("pk")
    )
    touched: set[int] = set()
    changed = 0
    for receipt in receipts:
        try:
            fx = receipt_fx(receipt.amount, receipt.currency, receipt.date)
        except DomainError:
            continue  # a gap in published rates: the conversion it had stays
        fields = apply_fx(receipt, fx)
        if not fields:
            continue
        receipt._history_user = None
        receipt._change_reason = "exchange rate published or corrected (R-3.10)"
        receipt.save(update_fields=fields)
        touched.add(receipt.settlement_id)
        changed += 1
    if touched:
        from settlements.services import settlement_follow_rates

        for settlement in Settlement.objects.filter(pk__in=touched).order_by("pk"):
            settlement_follow_rates(settlement=settlement)
    return changed


def on_rates_changed(sender, changes, **kwargs) -> None:
    """viaticos.exchange.rates_changed receiver (connected in SettlementsConfig.ready)."""
    receipts_follow_rates(changes=changes)
