from django.db import migrations

MODELS = (
    "deadlinereminder",
    "documentationrequirement",
    "sanction",
    "historicalsanction",
    "payrollexport",
    "payrolldeductionorder",
)


def _relabel(apps, old: str, new: str) -> None:
    """The models' content types (and with them their permissions, the roles' groups that hold
    them and the admin log) follow the models from one app label to the other."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if ContentType.objects.filter(app_label=new, model=model).exists():
            continue
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _relabel(apps, "settlements", "deadlines")


def backwards(apps, schema_editor):
    _relabel(apps, "deadlines", "settlements")


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
