"""Reads of donor budgets (SPEC §2.5): each line's approved, committed, spent and available
amounts, in one query whatever the number of lines; who may read them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from missions.models import BudgetLine, Mission
from viaticos.models import Project
from viaticos.money import round_money
from viaticos.roles import Role, has_role

ZERO = Decimal("0.00")
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)

# Roles that read every project's budget (they decide on it, account for it or audit it).
BUDGET_READERS = (
    Role.FINANCE_DIRECTOR,
    Role.EXECUTIVE_SECRETARY,
    Role.GENERAL_ADMINISTRATOR,
    Role.GENERAL_ACCOUNTANT,
    Role.ACCOUNTING_ASSISTANT,
    Role.AUDITOR,
)


@dataclass(frozen=True)
class Figures:
    approved: Decimal
    committed: Decimal
    spent: Decimal
    override: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.approved - self.committed - self.spent

    @property
    def over(self) -> bool:
        return self.available < 0


def reads_budgets(user) -> bool:
    return has_role(user, *BUDGET_READERS) or has_role(user, Role.PROJECT_COORDINATOR)


def edits_budgets(user) -> bool:
    return has_role(user, Role.FINANCE_DIRECTOR)


def projects_for_budgets(user) -> QuerySet[Project]:
    """The projects whose budget `user` reads: all for finance and audit, their own for a
    coordinator, none otherwise."""
    if has_role(user, *BUDGET_READERS):
        return Project.objects.order_by("code")
    if has_role(user, Role.PROJECT_COORDINATOR):
        return Project.objects.filter(coordinator=user).order_by("code")
    return Project.objects.none()


def with_figures(qs: QuerySet[BudgetLine]) -> QuerySet[BudgetLine]:
    """Annotate `committed`, `spent` and `overrides` (sums over the line's missions)."""
    zero = Value(ZERO, output_field=MONEY)
    return qs.annotate(
        committed=Coalesce(Sum("missions__budget_committed"), zero, output_field=MONEY),
        spent=Coalesce(Sum("missions__budget_spent"), zero, output_field=MONEY),
        overrides=Coalesce(Sum("missions__budget_override"), zero, output_field=MONEY),
    )


def figures_of(line: BudgetLine) -> Figures:
    """A line's figures, from the annotations of `with_figures` when present."""
    # A line annotated by with_figures (its sums are not model fields).
    figured: Any = line
    if not hasattr(line, "committed"):
        figured = with_figures(BudgetLine.objects.filter(pk=line.pk)).get()
    return Figures(
        figured.amount,
        round_money(figured.committed),
        round_money(figured.spent),
        round_money(figured.overrides),
    )


def lines_of_projects(projects, *, period: tuple[dt.date, dt.date] | None = None) -> list:
    """The lines of `projects` with their figures (one query), optionally only those whose
    period overlaps `period`."""
    qs = BudgetLine.objects.filter(project__in=projects).select_related("project")
    if period:
        qs = qs.filter(period_start__lte=period[1], period_end__gte=period[0])
    return list(with_figures(qs).order_by("project__code", "code"))


def figures_by_line(line_ids) -> dict[int, Figures]:
    """{line id: figures} for the cards of Por aprobar (one query for the page)."""
    return {
        line.pk: figures_of(line)
        for line in with_figures(BudgetLine.objects.filter(pk__in=set(line_ids) - {None}))
    }


def lines_for_choice(projects=None) -> QuerySet[BudgetLine]:
    """The lines a mission can be charged to (of active projects), project by project."""
    qs = BudgetLine.objects.filter(project__is_active=True)
    if projects is not None:
        qs = qs.filter(project__in=projects)
    return qs.select_related("project").order_by("project__code", "code")


def missions_without_line(projects) -> QuerySet[Mission]:
    """Missions whose typed budget line matched no line of their project (SPEC §2.5): finance
    maps them. Cancelled and rejected ones too, so that nothing typed is lost."""
    return (
        Mission.objects.filter(line__isnull=True, project__in=projects)
        .exclude(Q(budget_line="") & Q(status=Mission.Status.DRAFT))
        .select_related("project", "traveler")
        .order_by("project__code", "pk")
    )


def missions_behind(line_ids) -> dict[int, list[Mission]]:
    """The missions behind each line's figures (committed or spent), for the donor report."""
    rows: dict[int, list[Mission]] = {}
    qs = (
        Mission.objects.filter(line_id__in=line_ids)
        .filter(Q(budget_committed__gt=0) | Q(budget_spent__gt=0) | Q(budget_override__gt=0))
        .select_related("traveler")
        .order_by("pk")
    )
    for mission in qs:
        assert mission.line_id is not None  # filtered by line above
        rows.setdefault(mission.line_id, []).append(mission)
    return rows
