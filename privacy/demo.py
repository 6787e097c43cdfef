"""Demo registers, the Oficial's designation, the privacy notice v2 generated from them, and ARCO
requests for the Privacy Officer's queue (idempotent)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from privacy import rules
from privacy.models import ArcoRequest
from privacy.services import ArcoFiling, arco_request_file


def _png() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 25), (200, 210, 220)).save(buffer, format="PNG")
    return SimpleUploadedFile("dni.png", buffer.getvalue(), content_type="image/png")


DEMO = [
    # right, name, document, email, detail, business days ago
    (
        "acceso",
        "Lucía Quispe",
        "45879632",
        "viajero@demo.viaticos.local",
        "Quiero una copia de todos los datos personales que tienen sobre mí.",
        2,
    ),
    (
        "rectificacion",
        "Rosa Huamán",
        "40112233",
        "viajera2@demo.viaticos.local",
        "Mi cuenta bancaria cambió: la nueva es 191-2345678-0-11 del BCP.",
        8,
    ),
    (
        "cancelacion",
        "Carlos Mendoza",
        "41234567",
        "coordinador@demo.viaticos.local",
        "Solicito la supresión de mis datos personales.",
        12,
    ),
    (
        "informacion",
        "Martín Salas",
        "70123456",
        "martin.salas@example.org",
        "¿Qué datos míos tienen y con quién los comparten?",
        6,
    ),
]


def _registers() -> None:
    """R-S1, R-S2: demo registers with something in them (fictitious codes and providers)."""
    from privacy.models import DataBank, Processor, Transfer

    for number, bank in enumerate(DataBank.objects.filter(registration_code=""), start=1):
        bank.registration_code = f"RNPDP-PJP N.° {1000 + number} (demo)"
        bank.save(update_fields=["registration_code"])
    banks = list(DataBank.objects.all())
    if not Processor.objects.exists():
        for name, service, country, hosts in [
            ("Nube Andina S.A.C. (demo)", "Alojamiento del sistema y copias cifradas", "PE", ""),
            (
                "Correo Seguro Inc. (demo)",
                "Envío de correos electrónicos",
                "US",
                "smtp.example.com",
            ),
        ]:
            processor = Processor.objects.create(
                name=name, service=service, country=country, hosts=hosts
            )
            processor.data_banks.set(banks)
    if not Transfer.objects.exists():
        for recipient, country, purpose, guarantee in [
            (
                "Correo Seguro Inc. (demo)",
                "US",
                "Envío de avisos y respuestas por correo electrónico",
                Transfer.Guarantee.CONTRACT_CLAUSES,
            ),
            (
                "Hoteles y entidades anfitrionas del destino",
                "GT",
                "Reservas y acreditación de las misiones",
                Transfer.Guarantee.CONTRACT_EXECUTION,
            ),
        ]:
            transfer = Transfer.objects.create(
                recipient=recipient, country=country, purpose=purpose, guarantee=guarantee
            )
            transfer.data_banks.set(banks[:1])


# The notice the demo publishes from its registers (R-P1; the 2024 Reglamento).
DEMO_NOTICE_VERSION = "2.0"


def _officer(users) -> None:
    """Reglamento D.S. 016-2024-JUS: the demo's Oficial de Datos Personales and deputy, named in
    the notice, the letters and the incident reports."""
    from privacy.models import OfficerDesignation

    if OfficerDesignation.objects.exists() or "privacidad" not in users:
        return
    today = timezone.localdate()
    OfficerDesignation.objects.create(
        officer=users["privacidad"],
        deputy=users.get("administrador"),
        contact_email="privacidad@demo.viaticos.local",
        act="Resolución de Dirección Ejecutiva N.° 001-2026 (demo)",
        designated_on=today,
        starts_on=today,
        communicated_on=today,
    )


def _notice() -> None:
    """R-P1: notice v2 built from the registers above, in force from today: demo users read
    (and acknowledge at their next sign-in) the notice of the 2024 Reglamento, not the seed's."""
    from privacy.models import PrivacyNotice
    from privacy.notice_builder import notice_publish

    if not PrivacyNotice.objects.filter(version=DEMO_NOTICE_VERSION).exists():
        notice_publish(version=DEMO_NOTICE_VERSION, effective_on=timezone.localdate())


def load(users) -> None:
    _registers()
    _officer(users)
    _notice()
    if ArcoRequest.objects.exists():
        return
    cal = rules.arco_calendar()
    today = timezone.localdate()
    for right, name, number, email, detail, ago in DEMO:
        day = today
        while cal.business_days_between(day, today) < ago:
            day = day.fromordinal(day.toordinal() - 1)
        arco_request_file(
            filing=ArcoFiling(
                right=right,
                full_name=name,
                document_type="DNI",
                document_number=number,
                email=email,
                request_detail=detail,
                notice_acknowledged=True,
            ),
            document_file=_png(),
            today=day,
        )
