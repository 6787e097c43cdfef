"""Donor budgets (SPEC §2.5): the lines a project's donor approved, and what missions commit and
spend against them. Every write on a budget line or on a mission's charge to it is here.

The figures of a line (read by missions.budget_selectors):

    approved  = BudgetLine.amount
    committed = Σ Mission.budget_committed of its missions (authorized, not yet settled)
    spent     = Σ Mission.budget_spent (viáticos recognized + terminal expenses accepted)
    available = approved − committed − spent

A mission commits its planned total (per diem + terminal estimate of its advance) when it is
authorized; the settlement turns the commitment into spend; a cancellation or suspension
releases what was not spent. Committing beyond `available` needs the Finance Director's
override (a reason, on the timeline); the line's row lock makes concurrent authorizations
against its last funds commit once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from missions.errors import MissionsError
from missions.models import BudgetLine
from viaticos.errors import CommonError, DomainError, NotAllowed, require_reason
from viaticos.models import Project
from viaticos.money import round_money
from viaticos.roles import Role, has_role
from viaticos.services import save

ZERO = Decimal("0.00")

# --- Import (CSV or XLSX, all or nothing) ------------------------------------------------------

COLUMNS = ("project", "code", "description", "amount_usd", "period_start", "period_end")
FORMAT_HELP = (
    "CSV (UTF-8, comma or semicolon separated) or XLSX (first sheet), with the header row: "
    "project,code,description,amount_usd,period_start,period_end. project: the project code; "
    "code: the donor's line code (unique in the project); amount_usd: a decimal with a point; "
    "period_start, period_end: YYYY-MM-DD. A line already stored (same project and code) is "
    "replaced, its history kept. Any bad line rejects the whole file."
)


class BudgetFileError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class BudgetRow:
    line: int
    project: Project
    code: str
    description: str
    amount: Decimal
    period_start: dt.date
    period_end: dt.date


def _records_from_csv(content: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BudgetFileError(1, "the file is not UTF-8 text") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(reader.line_num, [cell.strip() for cell in record]) for record in reader]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _records_from_xlsx(content: bytes) -> list[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise BudgetFileError(1, "the file is not a readable XLSX workbook") from None
    sheet = book.worksheets[0]
    return [
        (number, [_cell_text(value) for value in row])
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
    ]


def _date(text: str, line: int, column: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BudgetFileError(line, f"{column} {text!r} is not YYYY-MM-DD") from None


def parse_budget_file(content: bytes, *, filename: str = "") -> list[BudgetRow]:
    """Read the file described in FORMAT_HELP; raise BudgetFileError on the first bad line
    (numbered from 1, the header being line 1)."""
    is_xlsx = filename.lower().endswith(".xlsx") or content[:2] == b"PK"
    records = _records_from_xlsx(content) if is_xlsx else _records_from_csv(content)
    projects = {p.code: p for p in Project.objects.all()}
    rows: list[BudgetRow] = []
    seen: dict[tuple[str, str], int] = {}
    header = None
    for line, record in records:
        while record and record[-1] == "":
            record = record[:-1]
        if not any(record):
            continue
        if header is None:
            header = tuple(cell.lower() for cell in record)
            if header != COLUMNS:
                raise BudgetFileError(
                    line, f"the header must be {','.join(COLUMNS)}, not {','.join(record)}"
                )
            continue
        if len(record) != len(COLUMNS):
            raise BudgetFileError(line, f"expected {len(COLUMNS)} columns, found {len(record)}")
        project_code, code, description, amount_text, start_text, end_text = record
        project = projects.get(project_code)
        if project is None:
            raise BudgetFileError(line, f"project {project_code!r} does not exist")
        if not code or len(code) > 30:
            raise BudgetFileError(line, "code is empty or longer than 30 characters")
        if not description or len(description) > 200:
            raise BudgetFileError(line, "description is empty or longer than 200 characters")
        try:
            amount = Decimal(amount_text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
            raise BudgetFileError(
                line, f"amount_usd {amount_text!r} is not a positive decimal (use a point)"
            )
        if amount != round_money(amount):
            raise BudgetFileError(line, f"amount_usd {amount_text!r} has more than two decimals")
        start = _date(start_text, line, "period_start")
        end = _date(end_text, line, "period_end")
        if end < start:
            raise BudgetFileError(line, "period_end is before period_start")
        key = (project_code, code)
        if key in seen:
            raise BudgetFileError(line, f"{project_code} {code} is already on line {seen[key]}")
        seen[key] = line
        rows.append(BudgetRow(line, project, code, description, amount, start, end))
    if header is None:
        raise BudgetFileError(1, "the file is empty")
    return rows


def _check_finance(actor) -> None:
    if actor is not None and not has_role(actor, Role.FINANCE_DIRECTOR):
        raise NotAllowed(
            CommonError.NOT_ALLOWED,
            _("Only the Finance Director changes the donor-approved budget."),
        )


@transaction.atomic
def budget_import(*, content: bytes, filename: str = "", actor=None) -> tuple[int, int]:
    """SPEC §2.5: store the lines of a donor's budget file (created, updated); all or nothing.
    An identical line is left alone (importing the same file twice changes nothing)."""
    _check_finance(actor)
    rows = parse_budget_file(content, filename=filename)
    created = updated = 0
    existing = {
        (line.project_id, line.code): line
        for line in BudgetLine.objects.select_for_update().filter(
            project__in={row.project.pk for row in rows}
        )
    }
    for row in rows:
        line = existing.get((row.project.pk, row.code))
        values = (row.description, row.amount, row.period_start, row.period_end)
        if line is None:
            line = BudgetLine(project=row.project, code=row.code)
            created += 1
        elif (line.description, line.amount, line.period_start, line.period_end) == values:
            continue
        else:
            updated += 1
        line.description, line.amount, line.period_start, line.period_end = values
        line._history_user = actor
        line._change_reason = f"import {filename}".strip()
        line.save()
    map_unmatched({row.project.pk for row in rows})
    return created, updated


@transaction.atomic
def budget_line_save(
    *,
    actor,
    project: Project,
    code: str,
    description: str,
    amount: Decimal,
    period_start: dt.date,
    period_end: dt.date,
    reason: str,
) -> BudgetLine:
    """SPEC §2.5: the Finance Director adds a line or changes one (a new version, with the
    reason in its history)."""
    _check_finance(actor)
    reason = require_reason(reason, message=_("Say why the budget changes (donor amendment…)."))
    if amount < 0:
        raise DomainError(
            MissionsError.NEGATIVE_AMOUNT, _("Amounts cannot be negative."), field="amount"
        )
    if period_end < period_start:
        raise DomainError(
            MissionsError.PERIOD_ORDER,
            _("The end of the period is before its start."),
            field="period_end",
        )
    line = BudgetLine.objects.select_for_update().filter(
        project=project, code=code
    ).first() or BudgetLine(project=project, code=code)
    line.description = description
    line.amount = round_money(amount)
    line.period_start, line.period_end = period_start, period_end
    line._history_user = actor
    line._change_reason = reason
    line.save()
    map_unmatched({project.pk})
    return line


# --- Missions charge a line ------------------------------------------------------------------


def _text_key(text: str) -> tuple[str, str]:
    text = (text or "").strip().casefold()
    return text, (text.split() or [""])[0]


def line_for_text(project: Project, text: str) -> BudgetLine | None:
    """The project's line whose code is `text` (or its first word), ignoring case."""
    whole, first = _text_key(text)
    lines = {line.code.strip().casefold(): line for line in project.budget_lines.all()}
    return lines.get(whole) or lines.get(first)


def resolve_line(*, project: Project, line: BudgetLine | None, text: str = "") -> BudgetLine | None:
    """SPEC §2.5: the line a mission is charged to, one of its project's, chosen (never typed):
    an API client gives its code. A project without any budget line yet takes none (its
    missions are listed for finance to map once the budget is loaded)."""
    if line is not None:
        if line.project_id != project.pk:
            raise DomainError(
                MissionsError.BUDGET_LINE_OTHER_PROJECT,
                _("Budget line %(code)s is not a line of project %(project)s.")
                % {"code": line.code, "project": project.code},
                field="line",
            )
        return line
    found = line_for_text(project, text)
    if found is None and project.budget_lines.exists():
        raise DomainError(
            MissionsError.UNKNOWN_BUDGET_LINE,
            _("Choose one of the budget lines of project %(project)s.") % {"project": project.code},
            field="line",
        )
    return found


def map_unmatched(project_ids) -> int:
    """After a budget changes: the missions of those projects with no line whose typed text is
    now a line's code are charged to it (their commitment follows). How many were mapped."""
    from missions.models import Mission

    mapped = 0
    missions = Mission.objects.filter(line__isnull=True, project_id__in=project_ids).exclude(
        budget_line=""
    )
    for mission in missions.select_related("project"):
        line = line_for_text(mission.project, mission.budget_line)
        if line is not None:
            _charge(mission=mission, line=line, actor=None)
            mapped += 1
    return mapped


def _lock_line(line_id: int) -> BudgetLine:
    # The line's row serializes every commitment against it: two authorizations of its last
    # funds cannot both see them available.
    return BudgetLine.objects.select_for_update().get(pk=line_id)


def _line_totals(line_id: int) -> tuple[Decimal, Decimal]:
    """(committed + spent, overrides) of the line, read under its lock."""
    from django.db.models import Sum

    from missions.models import Mission

    sums = Mission.objects.filter(line_id=line_id).aggregate(
        committed=Sum("budget_committed"), spent=Sum("budget_spent"), over=Sum("budget_override")
    )
    used = (sums["committed"] or ZERO) + (sums["spent"] or ZERO)
    return used, sums["over"] or ZERO


def planned_amount(mission) -> Decimal:
    """§2.4, §2.5: what the mission is planned to cost: the per diem and the terminal-expense
    estimate of its live advance."""
    from missions.models import Advance

    estimate = ZERO
    for advance in mission.advances.exclude(
        status__in=[Advance.Status.REJECTED, Advance.Status.CANCELLED]
    ):
        estimate += advance.terminal_estimate
    return round_money(mission.planned_total + estimate)


def shortfall(*, mission, line: BudgetLine, amount: Decimal) -> Decimal:
    """How far committing `amount` for `mission` (replacing what it already holds) would go
    beyond the line's approved amount and the overrides granted: 0 when it fits."""
    used, overrides = _line_totals(line.pk)
    held = mission.budget_committed + mission.budget_spent if mission.line_id == line.pk else ZERO
    over = used - held + amount - line.amount - overrides
    return max(over, ZERO)


def _exceeded(line: BudgetLine, missing: Decimal) -> DomainError:
    return DomainError(
        MissionsError.BUDGET_LINE_EXCEEDED,
        _(
            "Budget line %(code)s does not have enough left: %(missing)s USD more than is "
            "available. The Finance Director can authorize it beyond the line, with a reason."
        )
        % {"code": line.code, "missing": missing},
    )


def commit(*, mission, actor, amount: Decimal | None = None) -> None:
    """SPEC §2.5: the mission (locked by the caller) holds `amount` (default: its planned
    amount) against its line, under the line's lock; beyond what is available without the
    Finance Director's override, a DomainError (the caller's transaction rolls back)."""
    if mission.line_id is None:
        return
    amount = planned_amount(mission) if amount is None else round_money(amount)
    line = _lock_line(mission.line_id)
    missing = shortfall(mission=mission, line=line, amount=amount + mission.budget_spent)
    if missing > 0:
        raise _exceeded(line, missing)
    mission.budget_committed = amount
    save(mission, actor=actor, reason="budget committed", fields=["budget_committed"])


def release(*, mission, actor, keep: Decimal = ZERO) -> None:
    """SPEC §2.5: a cancelled or suspended mission gives back what it will not spend; `keep`
    (money already spent, settled later) stays committed."""
    if mission.line_id is None or not mission.budget_committed:
        return
    _lock_line(mission.line_id)
    mission.budget_committed = min(mission.budget_committed, round_money(max(keep, ZERO)))
    save(mission, actor=actor, reason="budget released", fields=["budget_committed"])


def spend(*, mission, actor, amount: Decimal) -> None:
    """SPEC §2.5: the settlement turns the commitment into what was actually spent (viáticos
    recognized + terminal expenses accepted). The money is spent: this never refuses."""
    from missions.models import Mission

    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if mission.line_id is None:
        return
    _lock_line(mission.line_id)
    mission.budget_committed = ZERO
    mission.budget_spent = round_money(amount)
    save(mission, actor=actor, reason="budget spent", fields=["budget_committed", "budget_spent"])


def _charge(*, mission, line: BudgetLine, actor) -> None:
    from missions.models import Mission

    mission.line = line
    save(mission, actor=actor, reason="budget line assigned", fields=["line"])
    committing = {Mission.Status.AUTHORIZED, Mission.Status.IN_PROGRESS, Mission.Status.RETURNED}
    if mission.status in committing:
        amount = planned_amount(mission)
        line = _lock_line(line.pk)
        missing = shortfall(mission=mission, line=line, amount=amount)
        if missing > 0:
            # Authorized before budgets were kept: the Finance Director who maps it accepts it.
            mission.budget_override += missing
        mission.budget_committed = amount
        save(
            mission,
            actor=actor,
            reason="budget committed",
            fields=["budget_committed", "budget_override"],
        )


@transaction.atomic
def mission_set_line(*, actor, mission, line: BudgetLine):
    """Finance charges a mission whose typed line matched none to one of its project's lines
    (the typed text stays). An authorized mission commits its planned amount; what an old
    authorization takes beyond the line is recorded as the Finance Director's override."""
    from missions.models import Mission, MissionEvent

    _check_finance(actor)
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if mission.line_id is not None:
        raise DomainError(
            MissionsError.BUDGET_LINE_SET, _("This mission is already charged to a line.")
        )
    resolve_line(project=mission.project, line=line)
    _charge(mission=mission, line=line, actor=actor)
    MissionEvent.objects.create(
        mission=mission,
        action=MissionEvent.Action.BUDGET_LINE_SET,
        actor=actor,
        comment=_("“%(typed)s” → %(line)s") % {"typed": mission.budget_line, "line": line},
    )
    return mission


@transaction.atomic
def budget_override_grant(*, actor, mission, reason: str):
    """SPEC §2.5: the Finance Director allows a mission to commit beyond what its line has
    left, with a reason recorded on its timeline. It covers today's shortfall."""
    from missions import access, transitions
    from missions.models import Mission, MissionEvent

    if not has_role(actor, Role.FINANCE_DIRECTOR):
        raise NotAllowed(
            CommonError.NOT_ALLOWED, _("Only the Finance Director authorizes beyond a budget line.")
        )
    reason = require_reason(reason)
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if access.is_own(actor, mission):
        raise NotAllowed(
            MissionsError.OWN_REQUEST,
            _("Nobody approves their own mission or advance (segregation of duties)."),
        )
    if transitions.MISSION.get(mission.status, "budget_override") is None:
        raise DomainError(
            CommonError.WRONG_STATE,
            _("Only a mission waiting for authorization or authorized takes it."),
        )
    if mission.line_id is None:
        raise DomainError(MissionsError.BUDGET_LINE_MISSING, _("The mission has no budget line."))
    line = _lock_line(mission.line_id)
    missing = shortfall(mission=mission, line=line, amount=planned_amount(mission))
    if missing <= 0:
        raise DomainError(
            MissionsError.BUDGET_OVERRIDE_NOT_NEEDED,
            _("The budget line has enough left for this mission."),
        )
    mission.budget_override += missing
    save(mission, actor=actor, reason="budget override", fields=["budget_override"])
    MissionEvent.objects.create(
        mission=mission,
        action=MissionEvent.Action.BUDGET_OVERRIDE,
        actor=actor,
        comment=_("%(amount)s USD beyond line %(code)s: %(reason)s")
        % {"amount": missing, "code": line.code, "reason": reason},
    )
    return mission
