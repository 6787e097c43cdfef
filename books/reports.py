"""The donor report (SPEC §2.5): per project and period, each budget line's approved,
committed, spent and available amounts, with the missions behind the figures. The same rows
feed the page, the CSV, the XLSX and the PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from books.errors import BooksError
from missions import budget_selectors
from missions.budget_selectors import Figures
from viaticos import spreadsheets
from viaticos.errors import DomainError

if TYPE_CHECKING:
    from missions.models import BudgetLine, Mission
    from viaticos.models import Project

ZERO = Decimal("0.00")
COLUMNS = (
    spreadsheets.Column("proyecto", 12),
    spreadsheets.Column("linea", 10),
    spreadsheets.Column("descripcion", 36),
    spreadsheets.Column("periodo_desde", 12, "date"),
    spreadsheets.Column("periodo_hasta", 12, "date"),
    spreadsheets.Column("aprobado", 14, "money"),
    spreadsheets.Column("comprometido", 14, "money"),
    spreadsheets.Column("gastado", 14, "money"),
    spreadsheets.Column("disponible", 14, "money"),
    spreadsheets.Column("misiones", 40),
)


@dataclass
class ReportLine:
    line: BudgetLine
    figures: Figures
    missions: list[Mission] = field(default_factory=list)


@dataclass
class DonorReport:
    project: Project
    start: dt.date
    end: dt.date
    lines: list[ReportLine]

    @property
    def totals(self) -> Figures:
        return Figures(
            sum((r.figures.approved for r in self.lines), ZERO),
            sum((r.figures.committed for r in self.lines), ZERO),
            sum((r.figures.spent for r in self.lines), ZERO),
            sum((r.figures.override for r in self.lines), ZERO),
        )


def parse_dates(start: str | None, end: str | None, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the report: YYYY-MM-DD dates, the current year by default."""
    try:
        first = dt.date.fromisoformat(start) if start else today.replace(month=1, day=1)
        last = dt.date.fromisoformat(end) if end else today.replace(month=12, day=31)
    except ValueError:
        raise DomainError(
            BooksError.INVALID_PERIOD, _("Dates are YYYY-MM-DD."), field="from"
        ) from None
    if last < first:
        raise DomainError(
            BooksError.INVALID_PERIOD, _("The period ends before it starts."), field="to"
        )
    return first, last


def donor_report(project, start: dt.date, end: dt.date) -> DonorReport:
    """Three queries: the lines with their figures, and the missions behind them."""
    lines = budget_selectors.lines_of_projects([project.pk], period=(start, end))
    behind = budget_selectors.missions_behind([line.pk for line in lines])
    return DonorReport(
        project,
        start,
        end,
        [
            ReportLine(line, budget_selectors.figures_of(line), behind.get(line.pk, []))
            for line in lines
        ],
    )


def rows(report: DonorReport, *, as_text: bool) -> list[list]:
    def money(value):
        return f"{value:.2f}" if as_text else value

    def day(value):
        return value.isoformat() if as_text else value

    return [
        [
            report.project.code,
            r.line.code,
            r.line.description,
            day(r.line.period_start),
            day(r.line.period_end),
            money(r.figures.approved),
            money(r.figures.committed),
            money(r.figures.spent),
            money(r.figures.available),
            " ".join(m.code for m in r.missions),
        ]
        for r in report.lines
    ]
