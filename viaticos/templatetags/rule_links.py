"""Rule identifiers on screens become a small "why?" link to the rule catalogue (issue 20).

The policy's identifiers (R-3.7, R-2h, §2.4) stay in the code, the tests, the PDFs and the
rule catalogue (SPEC §6), but on a page they read as noise to a traveler. `{% rulelinks %}` wraps
the page content in base.html: each parenthesised reference becomes one link to `/reglas/#R-…`,
whatever produced the text (a template, a form's help text, a service's message). Inside a link,
a button or an option there is no room for a link, so the reference is only dropped there; the
text of form fields and scripts is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django import template
from django.template.base import NodeList, Parser, Token
from django.template.context import Context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

RULE_ID = r"(?:R-[0-9A-Z][0-9A-Za-z]*(?:\.\d+[a-z]?)*|§\s?\d+(?:\.\d+)*[a-z]?)"
IDS = rf"{RULE_ID}(?:\s*,\s*{RULE_ID})*"
# "(R-3.4, R-8b)" and "(§2.4)": the whole parenthesis is references.
ONLY_IDS = re.compile(rf"\s*\(\s*(?:SPEC\s+)?(?P<ids>{IDS})\s*\)")
# "(firma, R-3.1)": the references close a parenthesis that says something else too.
TRAILING_IDS = re.compile(rf"\s*[,;]\s*(?:SPEC\s+)?(?P<ids>{IDS})\s*\)")
# "R-P4: menores de 14 años." and any reference left standing alone.
LEADING_IDS = re.compile(rf"(?<![\w-])(?:SPEC\s+)?(?P<ids>{IDS}):\s+")
BARE_IDS = re.compile(rf"\s*(?<![\w/#-])(?:SPEC\s+)?(?P<ids>{IDS})(?![\w-])")

TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
RAW = {"script", "style", "textarea", "code", "pre", "title"}  # text left exactly as it is
NO_LINK = {"a", "button", "option", "select", "label", "summary"}  # references dropped


def _ids(match: re.Match[str]) -> list[str]:
    return [i.replace(" ", "") for i in re.findall(RULE_ID, match.group("ids"))]


def _link(ids: list[str]) -> str:
    first = next((i for i in ids if i.startswith("R-")), "")
    url = reverse("rules") + (f"#{first}" if first else "")
    label = gettext("Why? The rule behind this: %(ids)s") % {"ids": ", ".join(ids)}
    return format_html(
        ' <a class="rule-why" href="{}" title="{}" aria-label="{}">{}</a>',
        url,
        ", ".join(ids),
        label,
        gettext("why?"),
    )


def link_rules(text: str, *, links: bool = True) -> str:
    """One piece of text between tags (already HTML-escaped) with its references replaced."""
    if "R-" not in text and "§" not in text:
        return text
    found: list[list[str]] = []

    def sub(replacement: str) -> Callable[[re.Match[str]], str]:
        def do(match: re.Match[str]) -> str:
            found.append(_ids(match))
            return replacement

        return do

    text = ONLY_IDS.sub(sub(""), text)
    text = TRAILING_IDS.sub(sub(")"), text)
    text = LEADING_IDS.sub(sub(""), text)
    text = BARE_IDS.sub(sub(""), text)
    if not found or not links:
        return text
    ids = list(dict.fromkeys(i for group in found for i in group))
    stripped = text.rstrip()
    return stripped + _link(ids) + text[len(stripped) :]


TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9]+)")
KEPT = RAW | NO_LINK  # tags whose text is left alone or whose references are only dropped


def link_rules_html(html: str) -> str:
    """Rewrite the text nodes of an HTML fragment; tags and attributes are never touched.
    Every page passes through here: a text node without a reference is kept as it is without
    looking further, and the open NO_LINK tags are counted rather than searched for."""
    parts = TAG.split(html)
    stack: list[str] = []
    no_link = 0  # NO_LINK tags open on the stack
    out = []
    for part in parts:
        if part.startswith("<"):
            if part.startswith("<!--"):
                out.append(part)
                continue
            name = TAG_NAME.match(part)
            if name:
                tag = name.group(1).lower()
                if part.startswith("</"):
                    if tag in stack:
                        while stack:
                            popped = stack.pop()
                            no_link -= popped in NO_LINK
                            if popped == tag:
                                break
                elif tag in KEPT and not part.endswith("/>"):
                    stack.append(tag)
                    no_link += tag in NO_LINK
            out.append(part)
        elif ("R-" not in part and "§" not in part) or (stack and stack[-1] in RAW):
            out.append(part)
        else:
            out.append(link_rules(part, links=not no_link))
    return "".join(out)


class RuleLinksNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        html = self.nodelist.render(context)
        if context.get("keep_rule_ids"):
            return html
        return mark_safe(link_rules_html(html))


@register.tag
def rulelinks(parser: Parser, token: Token) -> RuleLinksNode:
    """`{% rulelinks %}…{% endrulelinks %}`: see the module docstring."""
    nodelist = parser.parse(("endrulelinks",))
    parser.delete_first_token()
    return RuleLinksNode(nodelist)
