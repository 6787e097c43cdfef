"""Donor budgets (SPEC §2.5): the lines with what is left of them, the Finance Director's edits
and imports, and the missions whose typed line matched none."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from missions import budget_selectors as selectors
from missions import budgets, forms
from missions.models import BudgetLine
from viaticos.errors import DomainError
from viaticos.pagination import paginate

IMPORT_MAX_BYTES = 2 * 1024 * 1024


def _readable_projects(request):
    if not selectors.reads_budgets(request.user):
        raise PermissionDenied
    return selectors.projects_for_budgets(request.user)


@login_required
def budget_list(request):
    """Presupuestos: each project's donor-approved lines, with approved, committed, spent and
    available; the Finance Director adds or changes a line and imports the donor's file."""
    projects = _readable_projects(request)
    editor = selectors.edits_budgets(request.user)
    line_form = forms.BudgetLineForm(request.POST or None) if editor else None
    if request.method == "POST":
        if not editor:
            raise PermissionDenied
        if line_form.is_valid():
            try:
                line = budgets.budget_line_save(actor=request.user, **line_form.cleaned_data)
            except DomainError as error:
                field = error.field if error.field in line_form.fields else None
                line_form.add_error(field, error.message)
            else:
                messages.success(request, _("Budget line %(code)s saved.") % {"code": line.code})
                return redirect("missions:budgets")
    lines = selectors.lines_of_projects(projects)
    groups: dict = {}
    for line in lines:
        groups.setdefault(line.project, []).append((line, selectors.figures_of(line)))
    status = 400 if line_form is not None and line_form.errors else 200
    return render(
        request,
        "missions/budgets.html",
        {
            "groups": groups,
            "editor": editor,
            "line_form": line_form,
            "import_form": forms.BudgetImportForm() if editor else None,
            "format_help": budgets.FORMAT_HELP,
        },
        status=status,
    )


@login_required
@require_POST
def budget_import(request):
    if not selectors.edits_budgets(request.user):
        raise PermissionDenied
    form = forms.BudgetImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the budget file (CSV or XLSX)."))
        return redirect("missions:budgets")
    upload = form.cleaned_data["file"]
    if upload.size > IMPORT_MAX_BYTES:
        messages.error(request, _("The file is larger than 2 MB."))
        return redirect("missions:budgets")
    try:
        created, updated = budgets.budget_import(
            content=upload.read(), filename=upload.name, actor=request.user
        )
    except budgets.BudgetFileError as error:
        messages.error(
            request,
            _("Nothing was imported. Line %(line)s: %(message)s")
            % {"line": error.line, "message": error.message},
        )
    else:
        messages.success(
            request,
            _("Budget imported: %(created)s new lines, %(updated)s changed.")
            % {"created": created, "updated": updated},
        )
    return redirect("missions:budgets")


@login_required
def missions_without_line(request):
    """Missions whose typed budget line matched no line of their project: finance assigns one
    (the typed text stays on the mission)."""
    projects = _readable_projects(request)
    page = paginate(request, selectors.missions_without_line(projects))
    missions = list(page)
    options: dict[int, list[BudgetLine]] = {}
    for line in BudgetLine.objects.filter(project_id__in={m.project_id for m in missions}).order_by(
        "code"
    ):
        options.setdefault(line.project_id, []).append(line)
    rows = [(mission, options.get(mission.project_id, [])) for mission in missions]
    return render(
        request,
        "missions/budget_unmatched.html",
        {"rows": rows, "page_obj": page, "editor": selectors.edits_budgets(request.user)},
    )


@login_required
@require_POST
def mission_set_line(request, pk: int):
    if not selectors.edits_budgets(request.user):
        raise PermissionDenied
    projects = selectors.projects_for_budgets(request.user)
    mission = get_object_or_404(selectors.missions_without_line(projects), pk=pk)
    form = forms.MapLineForm(request.POST, project=mission.project)
    if form.is_valid():
        try:
            budgets.mission_set_line(
                actor=request.user, mission=mission, line=form.cleaned_data["line"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Mission %(code)s charged to its budget line.") % {"code": mission.code}
            )
    else:
        messages.error(request, _("Choose one of the project's budget lines."))
    return redirect("missions:budgets-unmatched")
