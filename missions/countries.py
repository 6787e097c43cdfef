"""Every country of the world is a destination (SPEC §2.1, R-3.8b).

The list of countries and their Spanish and English names come from `pycountry` (ISO 3166-1
alpha-2 and the Debian iso-codes translations), never typed by hand. A country row is created
once, with the table-region flag of `TABLE_REGION_SEED`; from then on the row is data that
finance edits in the admin (the flag, the names, its cities): syncing never overwrites it.
"""

from __future__ import annotations

import gettext
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry

# The seed policy's table covers Central America (seed 004, table of §3.8). This only decides
# the flag of a country row when it is first created; afterwards `in_table_region` is data.
TABLE_REGION_SEED = frozenset({"BZ", "CR", "GT", "HN", "NI", "PA", "SV"})


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name_es: str
    name_en: str


@lru_cache(maxsize=1)
def _spanish() -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
    except OSError:  # a pycountry build without the translations: English names stay
        return gettext.NullTranslations()


@lru_cache(maxsize=1)
def iso_countries() -> tuple[Country, ...]:
    """All ISO 3166-1 countries with their everyday names (`common_name` when ISO's official
    one reads "Bolivia, Plurinational State of"), in Spanish and English, sorted by code."""
    spanish = _spanish()
    countries = []
    for record in pycountry.countries:
        english = getattr(record, "common_name", None) or record.name
        countries.append(Country(record.alpha_2, spanish.gettext(english), english))
    return tuple(sorted(countries, key=lambda country: country.code))


def iso_country(code: str) -> Country | None:
    """The ISO country with alpha-2 `code` (any case), or None."""
    code = (code or "").strip().upper()
    if len(code) != 2:
        return None
    return next((country for country in iso_countries() if country.code == code), None)


def fold(text: str) -> str:
    """Lower case without accents, for searching names in either language (México = mexico)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def destinations_sync_countries(*, model=None, using: str = "default") -> int:
    """Create the destination of every ISO country that has none yet; returns how many.

    Idempotent and cheap (one query, one bulk insert); never changes an existing row, so what
    finance edited stays. Runs after every `migrate` (and after a test database is flushed),
    so the countries are there out of the box and a newer pycountry adds its new countries.
    The rows are reference data: they are created without history records.
    """
    if model is None:
        from missions.models import Destination as model
    manager = model._default_manager.db_manager(using)
    existing = set(manager.values_list("code", flat=True))
    missing = [
        model(
            code=country.code,
            name=country.name_es,
            name_en=country.name_en,
            country=country.code,
            in_table_region=country.code in TABLE_REGION_SEED,
        )
        for country in iso_countries()
        if country.code not in existing
    ]
    manager.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def sync_countries_after_migrate(sender, apps=None, using="default", **kwargs) -> None:
    """post_migrate receiver, with the model as the migrations left it."""
    from django.db import router

    if apps is None:
        return
    try:
        model = apps.get_model("missions", "Destination")
    except LookupError:  # missions not migrated on this database
        return
    if not router.allow_migrate_model(using, model):
        return
    if "name_en" not in {field.name for field in model._meta.get_fields()}:
        return  # migrated back to before the countries existed
    destinations_sync_countries(model=model, using=using)
