import datetime as dt
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from missions.perdiem import DailyRate, Leg, compute_per_diem


def test_breakdown_component_shows_each_line_with_its_rule_and_the_totals():
    result = compute_per_diem(
        departure_at=dt.datetime(2026, 3, 2, 18, 0),
        return_at=dt.datetime(2026, 3, 4, 8, 0),
        legs=[Leg(dt.date(2026, 3, 2), DailyRate(Decimal("100.00"), Decimal("40.00")))],
    )
    with translation.override("es"):
        html = render_to_string("missions/_breakdown.html", {"result": result})
    assert "13.33" in html and "13.20" in html and "266.53 USD" in html
    assert "33.33 %" in html and "33 %" in html and "R-3.9" in html
    assert "Alojamiento" in html
