"""USD amount of a receipt at the official rate of its date (R-3.10).

The conversion itself belongs to `viaticos.exchange` (exchange-rates issue). Until that module
is on this branch, only USD receipts can be converted; any other currency is refused with the
same error code the real conversion gives when a rate is missing, so callers and tests do not
change when it lands.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from viaticos.errors import DomainError
from viaticos.money import round_money


def to_usd(amount: Decimal, currency: str, on: dt.date) -> Decimal:
    """R-3.10: `amount` in `currency` at the official rate for `on`, or DomainError."""
    currency = (currency or "").upper()
    try:
        from viaticos.exchange import convert_to_usd
    except ImportError:  # exchange rates not merged yet: USD only
        if currency == "USD":
            return round_money(amount)
        raise DomainError(
            "exchange_rate_missing",
            _("There is no exchange rate for %(currency)s on or before %(date)s; import it first.")
            % {"currency": currency, "date": on.isoformat()},
            field="currency",
        ) from None
    return convert_to_usd(amount, currency, on)
