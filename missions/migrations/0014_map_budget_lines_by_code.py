"""SPEC §2.5: a mission's free-text budget line becomes the project's line of that code.

The text is matched to the code of one of the mission's project lines, ignoring case and the
spaces around it (or its first word: "2.1.3 Viajes" is line 2.1.3); the text is kept as it
was. Missions that match nothing keep their text and no line: finance maps them on
"Presupuestos › Misiones sin línea" (nothing is lost)."""

from django.db import migrations


def map_by_code(apps, schema_editor):
    Mission = apps.get_model("missions", "Mission")
    BudgetLine = apps.get_model("missions", "BudgetLine")
    lines = {
        (line.project_id, line.code.strip().casefold()): line.pk
        for line in BudgetLine.objects.all()
    }
    if not lines:
        return
    for mission in Mission.objects.filter(line__isnull=True).exclude(budget_line="").iterator():
        text = mission.budget_line.strip().casefold()
        pk = lines.get((mission.project_id, text)) or lines.get(
            (mission.project_id, (text.split() or [""])[0])
        )
        if pk:
            Mission.objects.filter(pk=mission.pk).update(line_id=pk)


class Migration(migrations.Migration):
    dependencies = [("missions", "0013_mission_charges_budget_line")]

    operations = [migrations.RunPython(map_by_code, migrations.RunPython.noop)]
