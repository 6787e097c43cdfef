"""Retention defaults for the categories added to R-T1's list (editable afterwards in the admin):
the acknowledgements of the privacy notice, django-axes' login log, and the cancelaciones
blocked by a legal hold, carried out by the retention job once no hold applies (R-A8)."""

from django.db import migrations, models

START_EVENTS = [
    ("end_of_mission", "End of the mission"),
    ("year_after_settlement", "1 January after the year of the settlement"),
    ("end_of_relationship", "End of the relationship"),
    ("request_closed", "Closing of the request"),
    ("consent_ended", "End of the consent (revocation)"),
    ("notice_superseded", "Replacement of the privacy notice"),
    ("blocked", "Blocking of the data on a cancellation request"),
    ("recorded", "Date the record was made"),
]

POLICIES = [
    # category, name, years, start event, legal basis, action
    (
        "privacy.notice_acknowledgements",
        "Constancias de lectura del aviso de privacidad",
        5,
        "notice_superseded",
        "Prueba de haber informado (Ley 29733 art. 18)",
        "delete",
    ),
    (
        "viaticos.login_log",
        "Registro de inicios de sesión (django-axes)",
        2,
        "recorded",
        "Directiva de Seguridad (R.D. 019-2013-JUS/DGPDP)",
        "delete",
    ),
    (
        "privacy.blocked_cancellations",
        "Datos bloqueados por una solicitud de cancelación",
        0,
        "blocked",
        "Ley 29733 art. 20: la supresión se ejecuta al cesar la obligación legal de conservar",
        "anonymize",
    ),
]


def forwards(apps, schema_editor):
    Policy = apps.get_model("privacy", "RetentionPolicy")
    for category, name, years, start, basis, action in POLICIES:
        Policy.objects.get_or_create(
            category=category,
            defaults=dict(
                name=name, period_years=years, start_event=start, legal_basis=basis, action=action
            ),
        )


def backwards(apps, schema_editor):
    Policy = apps.get_model("privacy", "RetentionPolicy")
    # A policy that already acted is kept: its actions are the log of R-T3.
    Policy.objects.filter(category__in=[p[0] for p in POLICIES], actions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0005_arco_data_delivery"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalretentionpolicy",
            name="start_event",
            field=models.CharField(
                choices=START_EVENTS, max_length=30, verbose_name="clock starts at"
            ),
        ),
        migrations.AlterField(
            model_name="retentionpolicy",
            name="start_event",
            field=models.CharField(
                choices=START_EVENTS, max_length=30, verbose_name="clock starts at"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
