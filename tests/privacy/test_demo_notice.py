"""R-P1 (issue 25): the demo publishes notice v2, generated from its registers, so that demo
users read the notice of the 2024 Reglamento (processors, transfers, the Oficial), not the
seed's version 1.0."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from privacy.demo import DEMO_NOTICE_VERSION
from privacy.models import PrivacyNotice
from privacy.selectors import notice_current


@override_settings(DEBUG=True)
@pytest.mark.django_db
def test_load_demo_publishes_notice_v2_that_demo_users_are_shown(client, settings):
    call_command("load_demo", verbosity=0)
    notice = notice_current()
    assert notice.version == DEMO_NOTICE_VERSION
    assert "016-2024-JUS" in notice.text_es and "003-2013" not in notice.text_es
    assert "Correo Seguro Inc. (demo)" in notice.text_es  # a processor from the registers
    assert "Julia Paredes" in notice.text_es  # the Oficial de Datos Personales
    assert notice.content_hash == PrivacyNotice.compute_hash(
        notice.title_es, notice.text_es, notice.title_en, notice.text_en
    )
    page = client.get("/privacidad/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "016-2024-JUS" in html and "Julia Paredes" in html
    # A demo user signing in sees the banner of the notice in force, v2 (R-P2), over their work.
    settings.PRIVACY_CONSENT_PROMPT = True
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="viajero"))
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["banner"].notice == notice
    # Running the demo again publishes nothing new.
    call_command("load_demo", verbosity=0)
    assert PrivacyNotice.objects.filter(version=DEMO_NOTICE_VERSION).count() == 1
