"""Retention of the outbox (issue 21): outgoing e-mails hold names, addresses and texts; a
message is deleted by the retention job VIATICOS_OUTBOX_KEEP_DAYS days after it went out or
could not be delivered (the clock starts then: 0 years). Editable afterwards in the admin."""

from django.db import migrations

POLICY = dict(
    category="viaticos.outbox",
    name="Correos salientes (bandeja de salida)",
    period_years=0,
    start_event="recorded",
    legal_basis="Envío de los avisos que exigen las reglas; prueba de que se enviaron",
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
        ('privacy', '0013_channel_email'),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
