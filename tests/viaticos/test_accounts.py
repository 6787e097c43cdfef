"""Login per role, role-aware home and navigation, language switch, token auth."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken

from tests.factories import PASSWORD
from viaticos.roles import Role

pytestmark = pytest.mark.django_db


def login(client, user):
    response = client.post("/cuenta/ingresar/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return response


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cuenta/ingresar/")


def test_login_page_is_in_spanish_by_default(client):
    response = client.get("/cuenta/ingresar/")
    assert response.status_code == 200
    assert "Ingresar" in response.content.decode()


def test_wrong_password_shows_a_clear_error(client, traveler):
    response = client.post("/cuenta/ingresar/", {"username": traveler.username, "password": "x"})
    assert response.status_code == 200
    assert (
        "Por favor, introduzca un nombre de usuario y clave correctos" in response.content.decode()
    )


@pytest.mark.parametrize(
    "fixture, heading",
    [
        ("traveler", "Mis misiones"),
        ("coordinator", "Esperan mi decisión"),
        ("finance_director", "Esperan mi decisión"),
        ("executive_secretary", "Esperan mi decisión"),
        ("treasurer", "Anticipos por desembolsar"),
        ("accounting_assistant", "Liquidaciones por recibir y revisar"),
        ("accountant", "Liquidaciones por recibir y revisar"),
        ("privacy_officer", "Solicitudes ARCO"),
        ("auditor", "Auditoría"),
    ],
)
def test_each_role_logs_in_and_sees_its_own_work(client, request, fixture, heading):
    user = request.getfixturevalue(fixture)
    response = login(client, user)
    assert response["Location"] == "/"
    page = client.get("/").content.decode()
    assert heading in page


def test_traveler_does_not_see_other_roles_panels(client, traveler):
    login(client, traveler)
    page = client.get("/").content.decode()
    assert "Solicitudes ARCO" not in page
    assert "Anticipos por desembolsar" not in page


def test_user_without_role_is_told_what_to_do(client, outsider):
    login(client, outsider)
    page = client.get("/").content.decode()
    assert "no tiene ningún rol" in page


def test_language_switch_changes_the_interface_to_english(client, traveler):
    login(client, traveler)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "My missions" in page
    assert 'lang="en"' in page
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert "Mis misiones" in client.get("/").content.decode()


def test_logout_requires_post_and_signs_out(client, traveler):
    login(client, traveler)
    response = client.post("/cuenta/salir/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change(client, traveler):
    login(client, traveler)
    response = client.post(
        "/cuenta/clave/",
        {
            "old_password": PASSWORD,
            "new_password1": "otra-Clave-2026",
            "new_password2": "otra-Clave-2026",
        },
    )
    assert response.status_code == 302
    traveler.refresh_from_db()
    assert traveler.check_password("otra-Clave-2026")


def test_password_reset_sends_an_email_with_a_working_link(client, traveler):
    response = client.post("/cuenta/recuperar/", {"email": traveler.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/cuenta/recuperar/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    assert b"new_password1" in response.content


def test_account_page_masks_the_identity_document(client, traveler):
    login(client, traveler)
    page = client.get("/cuenta/").content.decode()
    number = traveler.traveler_profile.document_number
    assert number not in page
    assert number[-3:] in page


def test_api_token_authenticates_integrations(client, api_client, traveler):
    login(client, traveler)
    response = client.post("/cuenta/token/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    key = response.context["new_token"]
    assert key in response.content.decode()
    # Shown in the page body only: not in a cookie (messages), not in the database.
    assert all(key not in morsel.value for morsel in response.cookies.values())
    stored = AuthToken.objects.get(user=traveler)
    assert key not in (stored.digest, stored.token_key) and stored.digest == hash_token(key)
    assert stored.expiry.date() == (timezone.now() + dt.timedelta(days=90)).date()
    assert key not in client.get("/cuenta/").content.decode()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/calendar/settlement-due-date/?return_date=2026-03-02")
    assert response.status_code == 200


def test_a_new_token_replaces_the_old_and_revoking_ends_it(client, api_client, traveler):
    login(client, traveler)
    first = client.post("/cuenta/token/").context["new_token"]
    second = client.post("/cuenta/token/").context["new_token"]
    url = "/api/v1/calendar/settlement-due-date/?return_date=2026-03-02"
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api_client.get(url).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api_client.get(url).status_code == 200
    assert client.post("/cuenta/token/revocar/").status_code == 302
    assert api_client.get(url).status_code == 401
    assert not AuthToken.objects.filter(user=traveler).exists()


def test_an_expired_token_is_refused(api_client, traveler):
    from viaticos.tokens import api_token_create

    key = api_token_create(actor=traveler)
    AuthToken.objects.filter(user=traveler).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = "/api/v1/calendar/settlement-due-date/?return_date=2026-03-02"
    assert api_client.get(url).status_code == 401


def test_api_rejects_a_bad_token(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/calendar/settlement-due-date/?return_date=2026-03-02")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_api_schema_and_docs_are_served_without_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/calendar/settlement-due-date/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs


def test_role_groups_exist_with_explicit_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert {role.value for role in Role} <= names
    auditor = Group.objects.get(name=Role.AUDITOR.value)
    codenames = set(auditor.permissions.values_list("codename", flat=True))
    assert codenames and all(c.startswith("view_") for c in codenames)
    finance = Group.objects.get(name=Role.FINANCE_DIRECTOR.value)
    assert finance.permissions.filter(codename="change_rate").exists()


@override_settings(DEBUG=True)
def test_load_demo_creates_one_account_per_role_and_keeps_data_on_rerun():
    call_command("load_demo", verbosity=0)
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    traveler = User.objects.get(username="viajero")
    traveler.first_name = "Cambiado"
    traveler.save()
    call_command("load_demo", verbosity=0)
    traveler.refresh_from_db()
    assert traveler.first_name == "Cambiado"
    from missions.models import Rate

    assert Rate.objects.count() == 6
