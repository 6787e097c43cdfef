"""Every rule of SPEC is registered next to the code that enforces it and proved by a test
named after it (issue 8 item 7); the /reglas/ page shows it to auditors and accountants."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from viaticos import rules_registry

SPEC_CANDIDATES = [
    os.environ.get("VIATICOS_SPEC", ""),
    Path(__file__).resolve().parent.parent.parent / "shared" / "SPEC.md",
]


def spec_ids() -> set[str]:
    for candidate in SPEC_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return rules_registry.spec_rule_ids(Path(candidate).read_text(encoding="utf-8"))
    pytest.skip("SPEC.md not found (../shared/SPEC.md or VIATICOS_SPEC)")


def test_the_catalogue_lists_exactly_the_rules_of_spec():
    ids = spec_ids()
    assert len(ids) >= 55
    assert set(rules_registry.RULES) - ids == set(), "catalogue rules that SPEC does not have"
    assert ids - set(rules_registry.RULES) == set(), "SPEC rules missing from the catalogue"


def test_every_rule_is_registered_with_at_least_one_enforcing_function():
    enforcers = rules_registry.load_enforcers()
    missing = sorted(set(rules_registry.RULES) - {r for r, places in enforcers.items() if places})
    assert missing == [], f"no @enforces for {missing}"


def test_decorators_name_only_rules_of_the_catalogue():
    unknown = sorted(set(rules_registry.load_enforcers()) - set(rules_registry.RULES))
    assert unknown == [], f"@enforces names rules that SPEC does not have: {unknown}"


def test_every_rule_has_a_test_named_after_it():
    tests = rules_registry.tests_by_rule()
    assert tests is not None
    untested = sorted(rule for rule, names in tests.items() if not names)
    assert untested == [], f"no test_r_<id>… for {untested}"


def test_enforcers_point_at_real_functions():
    import importlib

    for places in rules_registry.load_enforcers().values():
        for place in places:
            module, _, qualname = place.partition(".")
            while True:  # the longest importable prefix is the module
                head, _, rest = qualname.partition(".")
                try:
                    obj = importlib.import_module(f"{module}.{head}")
                except ModuleNotFoundError:
                    break
                module, qualname = f"{module}.{head}", rest
            obj = importlib.import_module(module)
            for part in qualname.split("."):
                obj = getattr(obj, part)
            assert callable(obj) or isinstance(obj, type), place


@pytest.mark.parametrize(
    "name, rule",
    [
        ("test_r_3_1_advance_signed", "R-3.1"),
        ("test_r_3_11a_blocked", "R-3.11a"),
        ("test_r_3_11_conditions", "R-3.11"),
        ("test_r_a2_deadlines", "R-A2"),
        ("test_twenty_parallel_r_a3", "R-A3"),
    ],
)
def test_test_names_map_to_rules_without_prefix_confusion(name, rule):
    matching = {
        r.id
        for r in rules_registry.RULES.values()
        if rules_registry.rule_of_test_pattern(r).search(name)
    }
    assert matching == {rule}


def test_rules_page_lists_each_rule_with_where_and_which_tests(client, auditor):
    client.force_login(auditor)
    response = client.get("/reglas/")
    assert response.status_code == 200
    html = response.content.decode()
    for rule_id in rules_registry.RULES:
        assert f'id="{rule_id}"' in html
    assert "missions.services.advance_disburse" in html
    assert (
        "test_r_3_11a_second_advance_is_not_disbursed_while_the_first_is_pending_settlement" in html
    )


def test_rules_page_says_not_available_without_tests(client, accountant, monkeypatch):
    monkeypatch.setattr(rules_registry, "tests_by_rule", lambda: None)
    client.force_login(accountant)
    html = client.get("/reglas/").content.decode()
    assert "no disponible" in html or "not available" in html


def test_rules_nav_item_is_shown_to_auditors_and_accountants_only(auditor, accountant, traveler):
    from viaticos.navigation import navigation_for

    def has_rules(user):
        return any("/reglas/" in str(item.values()) for item in navigation_for(user))

    assert has_rules(auditor) and has_rules(accountant)
    assert not has_rules(traveler)
