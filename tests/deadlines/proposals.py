"""Test helper: the General Accountant applies what the daily job proposed (R-A1), as the
tests of the money path did before a person had to decide."""

from __future__ import annotations

import datetime as dt

from deadlines import sanctions
from deadlines.models import Sanction
from viaticos.business_days import duty_calendar


def apply_proposals(accountant, *, proposed_on: dt.date, **filters) -> list[Sanction]:
    """Apply every proposal of the job made on `proposed_on`, once the traveler's time to
    answer has passed (the applied deduction orders are issued that day)."""
    today = duty_calendar().add_business_days(proposed_on, 4)
    applied = []
    for sanction in Sanction.objects.filter(
        state=Sanction.State.PROPOSED, proposed_by__isnull=True, proposed_on=proposed_on, **filters
    ):
        applied.append(sanctions.sanction_apply(actor=accountant, sanction=sanction, today=today))
    return applied
