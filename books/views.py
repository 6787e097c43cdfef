"""The journal, the trial balance and the donor report (SPEC §2.5): read by accounting, the
Finance Director and the Auditor; the General Accountant reverses an entry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from books import exports, reports, selectors, services
from books.models import JournalEntry
from missions import budget_selectors
from viaticos.errors import DomainError
from viaticos.pagination import paginate
from viaticos.pdf import pdf_response, render_pdf

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _reader(request):
    if not selectors.reads_books(request.user):
        raise PermissionDenied


def _period(request):
    """The month asked for; by default the latest month with entries (or the current one)."""
    today = timezone.localdate()
    if not request.GET.get("period"):
        latest = JournalEntry.objects.order_by("-date").values_list("date", flat=True).first()
        return selectors.parse_period(f"{latest or today:%Y-%m}", today=today)
    try:
        return selectors.parse_period(request.GET.get("period"), today=today)
    except DomainError:
        return selectors.parse_period(None, today=today)


def _file(content: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def journal(request):
    """Libro diario: the period's entries, each balanced and linked to its document."""
    _reader(request)
    start, end = _period(request)
    page = paginate(request, selectors.journal(start, end))
    entries = [(entry, selectors.document_of(entry)) for entry in page]
    return render(
        request,
        "books/journal.html",
        {
            "entries": entries,
            "page_obj": page,
            "extra": f"period={start:%Y-%m}",
            "period": f"{start:%Y-%m}",
            "start": start,
            "end": end,
            "can_reverse": services.may_reverse(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
def journal_export(request, fmt: str):
    _reader(request)
    start, end = _period(request)
    entries = selectors.journal(start, end)
    name = f"libro-diario-{start:%Y-%m}.{fmt}"
    if fmt == "csv":
        rows = exports.journal_rows(entries, as_text=True)
        return _file(exports.to_csv(exports.JOURNAL_COLUMNS, rows), name, fmt)
    rows = exports.journal_rows(entries, as_text=False)
    content = exports.to_xlsx(exports.JOURNAL_COLUMNS, rows, title=f"Diario {start:%Y-%m}")
    return _file(content, name, fmt)


@login_required
def trial_balance(request):
    _reader(request)
    start, end = _period(request)
    rows = selectors.trial_balance(start, end)
    totals = (sum(r.debit for r in rows), sum(r.credit for r in rows))
    return render(
        request,
        "books/trial_balance.html",
        {"rows": rows, "period": f"{start:%Y-%m}", "start": start, "end": end, "totals": totals},
    )


@login_required
def trial_balance_export(request, fmt: str):
    _reader(request)
    start, end = _period(request)
    rows = selectors.trial_balance(start, end)
    name = f"balance-comprobacion-{start:%Y-%m}.{fmt}"
    if fmt == "csv":
        content = exports.to_csv(exports.TRIAL_COLUMNS, exports.trial_rows(rows, as_text=True))
    else:
        content = exports.to_xlsx(
            exports.TRIAL_COLUMNS, exports.trial_rows(rows, as_text=False), title="Balance"
        )
    return _file(content, name, fmt)


@login_required
@require_POST
def entry_reverse(request, pk: int):
    _reader(request)
    entry = get_object_or_404(JournalEntry, pk=pk)
    try:
        reversal = services.entry_reverse(
            actor=request.user,
            entry=entry,
            reason=request.POST.get("reason", ""),
            on=timezone.localdate(),
        )
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied from error
        messages.error(request, error.message)
        return redirect(f"{reverse('books:journal')}?period={entry.date:%Y-%m}")
    messages.success(
        request,
        _("Entry %(entry)s reversed by %(reversal)s.")
        % {"entry": entry.number, "reversal": reversal.number},
    )
    return redirect(f"{reverse('books:journal')}?period={reversal.date:%Y-%m}")


# --- The donor report -------------------------------------------------------------------------


def _report(request):
    if not budget_selectors.reads_budgets(request.user):
        raise PermissionDenied
    projects = budget_selectors.projects_for_budgets(request.user)
    project = projects.filter(code=request.GET.get("project")).first() or projects.first()
    if project is None:  # a coordinator of no project yet
        return projects, None
    try:
        start, end = reports.parse_dates(
            request.GET.get("from"), request.GET.get("to"), today=timezone.localdate()
        )
    except DomainError:
        start, end = reports.parse_dates(None, None, today=timezone.localdate())
    return projects, reports.donor_report(project, start, end)


@login_required
def donor_report(request):
    """Informe al donante: per project and period, each line's figures and the missions
    behind them (links)."""
    projects, report = _report(request)
    if report is None:
        return render(request, "books/donor_report.html", {"projects": projects, "report": None})
    query = f"project={report.project.code}&from={report.start}&to={report.end}"
    return render(
        request,
        "books/donor_report.html",
        {"projects": projects, "report": report, "query": query},
    )


@login_required
def donor_report_export(request, fmt: str):
    _projects, report = _report(request)
    if report is None:
        raise Http404
    name = f"informe-donante-{report.project.code}-{report.start}-{report.end}.{fmt}"
    if fmt == "pdf":
        content = render_pdf("books/pdf/donor_report.html", {"report": report})
        return pdf_response(content, name)
    if fmt == "csv":
        content = exports.to_csv(reports.COLUMNS, reports.rows(report, as_text=True))
    else:
        content = exports.to_xlsx(
            reports.COLUMNS, reports.rows(report, as_text=False), title=report.project.code
        )
    return _file(content, name, fmt)
