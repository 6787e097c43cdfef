"""Retention of the travelers' dependants (issue 25, R-T1, R-P4): held for repatriation during
the traveler's missions (R-3.16), they are deleted when the traveler's relationship ends (the
clock starts then: 0 years), or, with no end recorded, one year after the traveler's last
activity. Editable afterwards in the admin."""

from django.db import migrations

POLICY = dict(
    category="viaticos.dependants",
    name="Dependientes de los viajeros (cónyuge, hijos) para la repatriación",
    period_years=0,
    start_event="end_of_relationship",
    legal_basis=(
        "Beneficio de repatriación del contrato (R-3.16) o consentimiento del padre o tutor: la "
        "finalidad termina con la relación del viajero; sin fin registrado, un año después de su "
        "última actividad"
    ),
    action="delete",
)


def forwards(apps, schema_editor):
    Policy = apps.get_model("privacy", "RetentionPolicy")
    fields = dict(POLICY)
    Policy.objects.get_or_create(category=fields.pop("category"), defaults=fields)


def backwards(apps, schema_editor):
    Policy = apps.get_model("privacy", "RetentionPolicy")
    # A policy that already acted is kept: its actions are the log of R-T3.
    Policy.objects.filter(category=POLICY["category"], actions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0021_encrypt_document_numbers"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
