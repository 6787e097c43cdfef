"""Shipped data: the first privacy notice (R-P1), the purposes (R-P2), the retention defaults of
SPEC §5.3 (R-T1) and the two data banks (R-S1). All editable afterwards in the admin."""

import datetime as dt
import hashlib
from pathlib import Path

from django.db import migrations

NOTICES = Path(__file__).resolve().parent.parent / "notices"  # v1_*.txt are frozen: never edit

PURPOSES = [
    # code, name es, name en, description es, description en, basis, optional, sensitive, minors
    (
        "viaticos",
        "Gestión de misiones, viáticos y liquidaciones",
        "Managing missions, per diems and settlements",
        "Autorizar misiones, calcular y pagar viáticos y anticipos (incluye datos bancarios).",
        "Authorizing missions, computing and paying per diems and advances (includes bank data).",
        "contract", False, True, False,
    ),
    (
        "contabilidad",
        "Sustento contable y tributario",
        "Accounting and tax support",
        "Conservar comprobantes y liquidaciones según el Código Tributario (arts. 43 y 87).",
        "Keeping receipts and settlements as the Tax Code requires (arts. 43 and 87).",
        "legal_duty", False, False, False,
    ),
    (
        "comunicaciones",
        "Comunicaciones institucionales y boletines",
        "Institutional communications and newsletters",
        "Enviarle por correo electrónico noticias y boletines de la Organización.",
        "Sending you the Organization's news and newsletters by e-mail.",
        "consent", True, False, False,
    ),
    (
        "dependientes",
        "Contacto de dependientes para emergencias y repatriación",
        "Dependants' contact for emergencies and repatriation",
        "Usar los datos de su cónyuge e hijos para avisarles y organizar la repatriación en una "
        "emergencia durante una misión. Para menores de 14 años, consiente el padre, madre o "
        "tutor.",
        "Using your spouse's and children's data to reach them and arrange repatriation in an "
        "emergency during a mission. For children under 14, the parent or guardian consents.",
        "consent", True, True, True,
    ),
]

POLICIES = [
    # category, name, years, start event, legal basis, action
    (
        "settlements.accounting_support",
        "Sustento contable y tributario de viáticos y liquidaciones",
        6, "year_after_settlement", "Código Tributario arts. 43 y 87", "anonymize",
    ),
    (
        "settlements.payroll_deductions",
        "Registros de descuentos por planilla",
        5, "recorded", "Normas laborales y tributarias (5 años)", "anonymize",
    ),
    (
        "viaticos.traveler_identity",
        "Identidad, contacto y datos bancarios de viajeros",
        6, "end_of_relationship", "Sustento de registros contables (Código Tributario art. 87)",
        "anonymize",
    ),
    (
        "privacy.arco_requests",
        "Solicitudes ARCO y su evidencia",
        5, "request_closed", "Prueba del cumplimiento de la Ley 29733", "anonymize",
    ),
    (
        "privacy.consent_evidence",
        "Evidencia de consentimiento",
        5, "consent_ended", "Carga de la prueba del consentimiento (Ley 29733 art. 13)", "delete",
    ),
    (
        "privacy.access_log",
        "Registros de acceso",
        2, "recorded", "Directiva de Seguridad (R.D. 019-2013-JUS/DGPDP)", "delete",
    ),
]


def forwards(apps, schema_editor):
    Notice = apps.get_model("privacy", "PrivacyNotice")
    Purpose = apps.get_model("privacy", "Purpose")
    Policy = apps.get_model("privacy", "RetentionPolicy")
    DataBank = apps.get_model("privacy", "DataBank")
    if not Notice.objects.filter(version="1.0").exists():
        title_es = "Aviso de privacidad de Viáticos"
        title_en = "Viáticos privacy notice"
        text_es = (NOTICES / "v1_es.txt").read_text(encoding="utf-8").strip()
        text_en = (NOTICES / "v1_en.txt").read_text(encoding="utf-8").strip()
        Notice.objects.create(
            version="1.0",
            effective_on=dt.date(2026, 1, 1),
            title_es=title_es,
            title_en=title_en,
            text_es=text_es,
            text_en=text_en,
            content_hash=hashlib.sha256(
                "\x1e".join([title_es, text_es, title_en, text_en]).encode()
            ).hexdigest(),
        )
    for order, (code, n_es, n_en, d_es, d_en, basis, optional, sensitive, minors) in enumerate(
        PURPOSES
    ):
        Purpose.objects.get_or_create(
            code=code,
            defaults=dict(
                name_es=n_es, name_en=n_en, description_es=d_es, description_en=d_en,
                legal_basis=basis, optional=optional, sensitive=sensitive, minors=minors,
                order=(order + 1) * 10,
            ),
        )
    for category, name, years, start, basis, action in POLICIES:
        Policy.objects.get_or_create(
            category=category,
            defaults=dict(
                name=name, period_years=years, start_event=start, legal_basis=basis, action=action
            ),
        )
    DataBank.objects.get_or_create(
        name="Viajeros y viáticos",
        defaults=dict(
            purpose="Gestión de misiones, viáticos, anticipos y liquidaciones.",
            categories="Identidad, contacto, datos bancarios (sensible), viajes, gastos, "
            "dependientes (menores)",
            has_sensitive_data=True,
            collection="Formulario del sistema y documentos entregados por el viajero",
            systems="Viáticos",
        ),
    )
    DataBank.objects.get_or_create(
        name="Solicitudes de derechos ARCO",
        defaults=dict(
            purpose="Atender los derechos de los titulares (Ley 29733).",
            categories="Identidad, copia del documento, datos de notificación, representante",
            has_sensitive_data=False,
            collection="Formulario público ARCO",
            systems="Viáticos",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
