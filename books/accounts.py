"""The chart-of-accounts mapping (SPEC §2.5): which account each line of an entry posts to.

Defaults, from Peru's Plan Contable General Empresarial (PCGE), used while the organization has
not mapped a purpose (Admin › Books › Account mappings). A mapping row wins over the default;
the most specific row wins: (category, project) > (category, any project) > (any category,
project) > (any category, any project).

    purpose          category                         default account
    bank             —                                1041 Cuentas corrientes operativas
    staff_advances   —                                1413 Entregas a rendir cuenta (personal)
    payroll          —                                4111 Sueldos y salarios por pagar
    expense          viaticos                         6315 Otros gastos de viaje (viáticos)
    expense          airport_tax, taxi,
                     local_transport                  6311 Transporte (gastos de viaje)
    expense          phone                            6364 Servicio de telefonía
    expense          internet                         6365 Internet
    expense          any other category               6315 Otros gastos de viaje (viáticos)
"""

from __future__ import annotations

from books.models import Account, AccountMapping, Purpose

A = Account.Kind
DEFAULT_ACCOUNTS = {
    "1041": ("Cuentas corrientes operativas", A.ASSET),
    "1413": ("Entregas a rendir cuenta (personal)", A.ASSET),
    "4111": ("Sueldos y salarios por pagar", A.LIABILITY),
    "6311": ("Transporte (gastos de viaje)", A.EXPENSE),
    "6315": ("Otros gastos de viaje (viáticos)", A.EXPENSE),
    "6364": ("Servicio de telefonía", A.EXPENSE),
    "6365": ("Internet", A.EXPENSE),
}
DEFAULTS: dict[tuple[str, str], str] = {
    (Purpose.BANK, ""): "1041",
    (Purpose.STAFF_ADVANCES, ""): "1413",
    (Purpose.PAYROLL, ""): "4111",
    (Purpose.EXPENSE, ""): "6315",
    (Purpose.EXPENSE, "viaticos"): "6315",
    (Purpose.EXPENSE, "airport_tax"): "6311",
    (Purpose.EXPENSE, "taxi"): "6311",
    (Purpose.EXPENSE, "local_transport"): "6311",
    (Purpose.EXPENSE, "phone"): "6364",
    (Purpose.EXPENSE, "internet"): "6365",
}
VIATICOS = "viaticos"


class Chart:
    """The mapping loaded once per posting (two queries), resolving each line's account."""

    def __init__(self):
        self.rows = {
            (m.purpose, m.category, m.project_id): m.account
            for m in AccountMapping.objects.select_related("account")
        }
        self._defaults: dict[str, Account] = {}

    def default(self, code: str) -> Account:
        if code not in self._defaults:
            name, kind = DEFAULT_ACCOUNTS[code]
            self._defaults[code], _created = Account.objects.get_or_create(
                code=code, defaults={"name": name, "kind": kind}
            )
        return self._defaults[code]

    def account(self, purpose: str, category: str = "", project_id: int | None = None) -> Account:
        for key in (
            (purpose, category, project_id),
            (purpose, category, None),
            (purpose, "", project_id),
            (purpose, "", None),
        ):
            if key in self.rows:
                return self.rows[key]
        code = DEFAULTS.get((purpose, category)) or DEFAULTS[(purpose, "")]
        return self.default(code)
