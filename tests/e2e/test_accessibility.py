"""Every page can be used with a screen reader and a keyboard (issue 20, item 2).

axe-core, installed from the npm registry by `make e2e` (tests/e2e/package.json, pinned in its
lockfile), is injected by Playwright into each page the layout width test visits (every HTML
page of the permission matrix as a role allowed to see it, at 390 px and 1366 px;
tests/e2e/pages.py), with the privacy notice banner showing. The test fails on any serious or
critical violation, on any id used twice and on any control without a name, whatever impact
axe gives it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.pages import WIDTHS, only_pages, visit

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
# Unique ids and a name on every control: failures whatever their impact.
ALWAYS = {
    "duplicate-id",
    "duplicate-id-active",
    "duplicate-id-aria",
    "label",
    "select-name",
    "button-name",
    "input-button-name",
    "link-name",
    "aria-input-field-name",
    "aria-toggle-field-name",
    "form-field-multiple-labels",
}
# Ids repeated anywhere in the document (axe's duplicate-id rules are deprecated in 4.x).
DUPLICATE_IDS = """() => {
  const seen = {};
  for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] || 0) + 1;
  return Object.entries(seen).filter(([, n]) => n > 1).map(([id]) => id);
}"""


def axe_problems(page) -> list[str]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make e2e` installs it (npm ci in tests/e2e).")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async () => {
          const r = await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']},
            resultTypes: ['violations'],
          });
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — '
                                                + (n.failureSummary || '').split('\\n')[1])}));
        }"""
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']}: " + json.dumps(v["nodes"], ensure_ascii=False)
        for v in results
        if v["impact"] in BLOCKING or v["id"] in ALWAYS
    ]
    problems += [f"id used twice: {ident}" for ident in page.evaluate(DUPLICATE_IDS)]
    return problems


@pytest.mark.parametrize("width_name", sorted(WIDTHS))
def test_every_page_passes_axe(browser, live_server, seed_rates, settings, width_name):
    settings.PRIVACY_CONSENT_PROMPT = True  # the notice banner is checked with each page
    failures, visited = [], 0
    for name, path, who, page in visit(browser, live_server, width_name, bypass_csp=True):
        visited += 1
        for problem in axe_problems(page):
            failures.append(f"{name} ({path}, as {who}): {problem}")
    assert not failures, f"{len(failures)} accessibility problems:\n" + "\n".join(failures)
    assert visited >= (1 if only_pages() else 35), visited
