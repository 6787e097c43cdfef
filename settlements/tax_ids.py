"""Tax ids of the issuers, checked with python-stdnum where a validator exists (pure).

Peru's RUC (modulo-11 check digit), Guatemala's and El Salvador's NIT, Costa Rica's cédulas
(legal entity, natural person, residence). A tax id that fails its country's check is a warning
for the traveler and the accountant, never a refusal: issuers print ids with typos, and the
receipt stays the proof of the expense.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.utils.translation import gettext_lazy as _

# Country → (label of the tax id, stdnum modules that validate it).
VALIDATORS = {
    "PE": (_("RUC (Peru)"), ("stdnum.pe.ruc",)),
    "GT": (_("NIT (Guatemala)"), ("stdnum.gt.nit",)),
    "SV": (_("NIT (El Salvador)"), ("stdnum.sv.nit",)),
    "CR": (_("cédula (Costa Rica)"), ("stdnum.cr.cpj", "stdnum.cr.cpf", "stdnum.cr.cr")),
}


@dataclass(frozen=True)
class TaxIdCheck:
    country: str
    label: str
    valid: bool | None  # None: no validator for the country, or nothing to check


def tax_id_check(value: str, country: str) -> TaxIdCheck:
    """Whether `value` is a well-formed tax id of `country` (check digit included)."""
    country = (country or "").upper()
    entry = VALIDATORS.get(country)
    value = (value or "").strip()
    if entry is None or not value:
        return TaxIdCheck(country, str(entry[0]) if entry else "", None)
    label, modules = entry
    valid = any(import_module(name).is_valid(value) for name in modules)
    return TaxIdCheck(country, str(label), valid)


def issuer_tax_id_warning(value: str, countries) -> TaxIdCheck | None:
    """The failed check of an issuer's tax id, or None when it is valid for one of the
    countries the receipt may come from (or none of them has a validator)."""
    checks = [tax_id_check(value, country) for country in dict.fromkeys(countries)]
    checks = [check for check in checks if check.valid is not None]
    if not checks or any(check.valid for check in checks):
        return None
    return checks[0]
