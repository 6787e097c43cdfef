"""The deadline models moved from `settlements` to `deadlines` (issue 16) by a change of Django's
state only: on a populated database every row, sum and permission is the same before and after,
both ways."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum

from deadlines.models import PayrollDeductionOrder, PayrollExport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("settlements", "0011_perdiem_line_decisions"), ("deadlines", None)]
MODELS = {
    "DeadlineReminder": None,
    "DocumentationRequirement": "amount",
    "Sanction": "amount",
    "PayrollExport": "total",
    "PayrollDeductionOrder": "amount",
}


def _figures(apps, app_label: str) -> dict:
    figures = {}
    for name, money in MODELS.items():
        model = apps.get_model(app_label, name)
        figures[name] = (
            model.objects.count(),
            model.objects.aggregate(total=Sum(money))["total"] if money else None,
        )
    sanction = apps.get_model(app_label, "Sanction")
    figures["history"] = (
        sanction.history.model.objects.count()
        if hasattr(sanction, "history")
        else apps.get_model(app_label, "HistoricalSanction").objects.count()
    )
    order = apps.get_model(app_label, "PayrollDeductionOrder")
    figures["exports"] = order.exports.through.objects.count()
    return figures


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([key for key in targets if key[1]]).apps


def _latest():
    executor = MigrationExecutor(connection)
    return [
        key for key in executor.loader.graph.leaf_nodes() if key[0] in {"settlements", "deadlines"}
    ]


def test_moving_the_deadline_models_keeps_every_row_sum_and_permission(monkeypatch, coordinator):
    from tests.deadlines.test_enforcement_scale import overdue_missions

    monkeypatch.setattr("deadlines.notices.render_pdf", lambda *a, **k: b"%PDF-1.4 fake")
    overdue_missions(10, coordinator)
    for date in ("2026-03-11", "2026-03-13", "2026-03-23"):
        call_command("enforce_deadlines", "--date", date, stdout=StringIO())
    export = PayrollExport.objects.create(
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        file_format="csv",
        order_count=10,
        total=D("4500.00"),
        created_by=UserFactory(),
    )
    for order in PayrollDeductionOrder.objects.all():
        order.exports.add(export)
    accountants = Group.objects.create(name="accountants (test)")
    accountants.permissions.add(Permission.objects.get(codename="apply_sanction"))

    latest = _latest()
    after = _figures(_migrate(latest), "deadlines")
    assert after["DocumentationRequirement"][0] == 10
    assert after["PayrollDeductionOrder"] == (10, D("4500.00"))
    assert after["exports"] == 10
    assert after["Sanction"][0] >= 10 and after["history"] >= after["Sanction"][0]

    try:
        before = _figures(_migrate(BEFORE), "settlements")
        assert before == after
        assert accountants.permissions.filter(content_type__app_label="settlements").exists()
    finally:
        again = _figures(_migrate(latest), "deadlines")
    assert again == after
    assert set(accountants.permissions.values_list("content_type__app_label", "codename")) == {
        ("deadlines", "apply_sanction")
    }
