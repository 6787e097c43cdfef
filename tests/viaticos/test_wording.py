"""Issue 20, words: phrases that read wrong in Spanish are gone, in Spanish and in English.

Django merges the catalogues of every installed app and the first one wins: DRF's Spanish
("requerido", "Fecha de creación") shadowed Django's and ours, and one app's "Liquidado" (an
advance) labelled another app's settlement. These tests pin the corrected phrases."""

import pytest
from django.utils import translation

from settlements.models import Receipt, Settlement, SettlementEvent
from viaticos.templatetags.rule_links import link_rules_html


def test_a_required_field_is_obligatorio_on_pages_and_in_the_api(client, api_client, db):
    page = client.post("/cuenta/ingresar/", {}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Este campo es obligatorio." in page and "requerido" not in page
    with translation.override("es"):
        from rest_framework import serializers

        field = serializers.CharField()
        with pytest.raises(serializers.ValidationError) as error:
            field.run_validation(serializers.empty)
        assert str(error.value.detail[0]) == "Este campo es obligatorio."


def test_settlement_and_receipt_labels_agree_with_their_nouns():
    with translation.override("es"):
        assert Settlement.Status.SETTLED.label == "Liquidada"  # la liquidación
        assert SettlementEvent.Action.SETTLED.label == "Liquidada"
        assert [label for value, label in Receipt.Decision.choices if value != "pending"] == [
            "Aceptado",
            "Recortado",
            "Rechazado",  # el comprobante
        ]
        assert str(translation.gettext("Settlement approved.")) == "Liquidación aprobada."
    with translation.override("en"):
        assert Settlement.Status.SETTLED.label == "Settled"
        assert Receipt.Decision.REJECTED.label == "Rejected"


def test_account_page_explains_the_token_header_in_full(client, traveler):
    client.force_login(traveler)
    for language, phrase in (
        ("es", "cabecera «Authorization: Token»"),
        ("en", "header “Authorization: Token”"),
    ):
        page = client.get("/cuenta/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert phrase in page
        assert "(Token )" not in page


def test_rule_ids_on_screens_become_a_why_link(client, traveler):
    client.force_login(traveler)
    with translation.override("es"):
        html = link_rules_html("<p>Se sella cada documento (R-3.7).</p>")
    assert html == (
        '<p>Se sella cada documento. <a class="rule-why" href="/reglas/#R-3.7" title="R-3.7" '
        'aria-label="¿Por qué? La regla que lo dispone: R-3.7">¿por qué?</a></p>'
    )
    assert link_rules_html('<a href="/x">Excepción (R-2h)</a>') == '<a href="/x">Excepción</a>'
    assert link_rules_html("<textarea>(R-2h)</textarea>") == "<textarea>(R-2h)</textarea>"
    assert "(R-" not in link_rules_html("<label>Solicitante (firma, R-3.1)</label>")
    page = client.get("/misiones/nueva/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    main = page[page.index('<main id="main"') : page.index("</main>")]
    assert not __import__("re").search(r"\((?:R-\d|§\d)", main)
    rules = client.get("/reglas/").content.decode()
    assert "R-3.7" in rules  # the catalogue keeps its identifiers
