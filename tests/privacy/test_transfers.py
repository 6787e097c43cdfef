"""R-S2 and SPEC §5.4: the guarantee of a transfer is a choice; the demo registers are filled;
a configured provider (mail host, storage, cache, broker) that no processor covers is warned
about by the system checks."""

import pytest
from django.core.management import call_command

from privacy import checks
from privacy.models import DataBank, Processor, Transfer


@pytest.mark.django_db
def test_r_s2_the_guarantee_is_a_choice_shown_in_the_registers(client, privacy_officer):
    field = Transfer._meta.get_field("guarantee")
    assert {c for c, _ in field.choices} >= {"contract_clauses", "adequate_country", "consent"}
    Transfer.objects.create(
        recipient="Hotel Camino Real",
        country="GT",
        purpose="Alojamiento",
        guarantee=Transfer.Guarantee.CONTRACT_EXECUTION,
        guarantee_detail="Reserva del viaje",
    )
    from privacy.models import NoticeAcknowledgement, PrivacyNotice

    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    html = client.get("/privacidad/registros/").content.decode()
    assert "Necesaria para ejecutar el contrato con el titular" in html
    assert "Reserva del viaje" in html


def _warnings():
    return [w for w in checks.check_providers_in_register(None) if w.id == "privacy.W001"]


@pytest.mark.django_db
def test_r_s2_a_mail_host_abroad_without_a_register_entry_is_warned_about(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.sendgrid.net"
    settings.CACHE_URL = "rediss://cache.eu-west-1.example-cloud.com:6380/0"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/1"  # local: not a provider
    found = _warnings()
    assert [w.msg.split()[0] for w in found] == ["EMAIL_HOST", "CACHE_URL"]
    Processor.objects.create(name="SendGrid", service="Correo", country="US", hosts="sendgrid.net")
    Processor.objects.create(
        name="Nube", service="Caché", country="IE", hosts="example-cloud.com, other.org"
    )
    assert _warnings() == []


@pytest.mark.django_db
def test_r_s2_object_storage_without_endpoint_is_amazon_s3(settings):
    settings.AWS_STORAGE_BUCKET_NAME = "viaticos"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "x", "OPTIONS": {}}}
    assert [w.msg.split()[0] for w in _warnings()] == ["AWS_S3_ENDPOINT_URL"]


def test_r_s2_local_services_are_not_providers(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "localhost"
    settings.CACHE_URL = "redis://redis:6379/0"
    settings.CELERY_BROKER_URL = "amqp://guest@10.0.0.5:5672//"
    assert checks.configured_providers() == []


@pytest.mark.django_db
def test_r_s1_r_s2_the_demo_registers_are_filled(db):
    from privacy import demo

    demo._registers()
    assert Processor.objects.count() >= 2 and Transfer.objects.count() >= 2
    assert not DataBank.objects.filter(registration_code="").exists()
    assert {t.guarantee for t in Transfer.objects.all()} <= set(Transfer.Guarantee.values)
    demo._registers()  # idempotent
    assert Processor.objects.count() == 2


@pytest.mark.django_db
def test_r_s2_check_runs_from_manage_py_check(settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.sendgrid.net"
    call_command("check", "--deploy")
    captured = capsys.readouterr()
    assert "privacy.W001" in captured.out + captured.err
