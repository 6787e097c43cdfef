"""The estimate's per-process rate cache answers repeated quotes without SQL and forgets a rate
as soon as it is edited (R-3.8)."""

import datetime as dt
from decimal import Decimal

from missions.models import Rate
from missions.rates import per_diem_estimate

DEPARTURE, BACK = dt.datetime(2026, 3, 2, 7, 30), dt.datetime(2026, 3, 4, 19, 0)


def test_repeated_estimate_uses_no_query_and_an_edited_rate_counts_at_once(
    seed_rates, django_assert_num_queries
):
    first = per_diem_estimate(destination_code="GT", departure_at=DEPARTURE, return_at=BACK)
    with django_assert_num_queries(0):
        again = per_diem_estimate(destination_code="gt", departure_at=DEPARTURE, return_at=BACK)
    assert again.total == first.total
    rate = Rate.objects.filter(destination__code="GT").order_by("-table__valid_from").first()
    rate.lodging += Decimal("10.00")
    rate.save()
    edited = per_diem_estimate(destination_code="GT", departure_at=DEPARTURE, return_at=BACK)
    assert edited.lodging_total == first.lodging_total + Decimal("10.00") * first.nights
