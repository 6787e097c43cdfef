"""R-P1: the privacy notice built from the registers (processors and their countries,
transfers with their guarantee, data banks with their register code, retention per category,
the Oficial de Datos Personales) and published as a new, hashed version."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pycountry
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from privacy.errors import PrivacyError
from privacy.models import DataBank, PrivacyNotice, Processor, RetentionPolicy, Transfer
from viaticos.errors import DomainError
from viaticos.rules_registry import enforces

TITLES = {
    "es": "Aviso de privacidad — Sistema Viáticos",
    "en": "Privacy notice — Viáticos system",
}


def _country(code: str, language: str) -> str:
    found = pycountry.countries.get(alpha_2=(code or "").upper())
    if found is None:
        return code
    if language == "es":
        try:
            import gettext

            es = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
            return es.gettext(found.name)
        except OSError:
            return found.name
    return found.name


def _context(language: str) -> dict:
    from privacy.selectors import officer_designation, purposes_active
    from viaticos.models import Organization

    with translation.override(language):
        transfers = [
            SimpleNamespace(
                recipient=t.recipient,
                country_name=_country(t.country, language),
                purpose=t.purpose,
                guarantee_label=str(t.get_guarantee_display()),
            )
            for t in Transfer.objects.order_by("recipient")
        ]
        return {
            "organization": Organization.current(),
            "designation": officer_designation(),
            "purposes": list(purposes_active()),
            "processors": [
                SimpleNamespace(
                    name=p.name, service=p.service, country_name=_country(p.country, language)
                )
                for p in Processor.objects.order_by("name")
            ],
            "transfers": transfers,
            "banks": list(DataBank.objects.order_by("name")),
            "retention": list(RetentionPolicy.objects.filter(is_active=True).order_by("category")),
        }


def notice_text(language: str) -> str:
    with translation.override(language):
        return render_to_string(f"privacy/notices/v2_{language}.txt", _context(language)).strip()


@enforces("R-P1")
@transaction.atomic
def notice_publish(*, version: str, effective_on: dt.date) -> PrivacyNotice:
    """A new version of the notice, built from the registers as they are now, with its hash:
    what was published stays what it was, whatever the registers become."""
    if PrivacyNotice.objects.filter(version=version).exists():
        raise DomainError(PrivacyError.NOTICE_VERSION_EXISTS, f"Version {version} already exists.")
    from viaticos.models import Organization

    if Organization.current() is None:
        raise DomainError(
            PrivacyError.NO_ORGANIZATION, "Record the organization before the notice."
        )
    text_es, text_en = notice_text("es"), notice_text("en")
    return PrivacyNotice.objects.create(
        version=version,
        effective_on=effective_on,
        title_es=TITLES["es"],
        title_en=TITLES["en"],
        text_es=text_es,
        text_en=text_en,
        content_hash=PrivacyNotice.compute_hash(TITLES["es"], text_es, TITLES["en"], text_en),
    )


@enforces("R-P1", "R-P2")
def notice_given_record(*, user, channel: str, actor=None):
    """R-P1: the notice in force was given to `user` before their data was collected (when
    their profile is created), on paper or electronically; kept as evidence (R-P3)."""
    from privacy.models import Channel, NoticeAcknowledgement
    from privacy.selectors import notice_current

    if channel not in {Channel.PAPER, Channel.ELECTRONIC}:
        raise DomainError(
            PrivacyError.NOTICE_CHANNEL_INVALID, "The notice is given on paper or electronically."
        )
    notice = notice_current()
    if notice is None:
        raise DomainError(PrivacyError.NO_NOTICE, "Publish a privacy notice first.")
    ack, _created = NoticeAcknowledgement.objects.get_or_create(
        user=user,
        notice=notice,
        defaults={"notice_hash": notice.content_hash, "channel": channel},
    )
    return ack
