"""Declarative state machines (issue 16): one table per stateful object, (state, action) →
(next state, who may do it, the next step shown to users). The services guard with
`Table.require`, the access helpers list a user's actions with `Table.actions_for`, and the
"next step" texts are `Table.step`: the machine is written once.

A row's `who` names guards (any one of them allows); the app's access module gives each name
its predicate on (user, object). `SYSTEM` rows are moved by another service (a mission closed
by its settlement), never by a button. `when` names an extra condition on the object alone
(a stamping that failed) that the table's `conditions` define.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from viaticos.errors import DomainError
from viaticos.services import wrong_state

SYSTEM = "system"

Text = str | Promise  # a lazy gettext string, translated when shown


@dataclass(frozen=True)
class Transition:
    state: str
    action: str
    target: str | None  # None: the status stays (an edit) or the service decides
    who: tuple[str, ...]
    step: Text = ""  # what has to happen next while in `state` (lazy gettext), if this row says
    when: str | None = None


def rows(
    states: Iterable[str],
    action: str,
    target: str | None,
    who: str | tuple[str, ...],
    *,
    step: Text = "",
    when: str | None = None,
) -> list[Transition]:
    """The same action from several states."""
    who = (who,) if isinstance(who, str) else who
    return [Transition(str(s), action, target, who, step, when) for s in states]


class Table:
    """The transitions of one kind of object, read by services, access helpers and pages."""

    def __init__(
        self,
        name: str,
        transitions: Iterable[Transition | list[Transition]],
        *,
        verbs: Mapping[str, Text],
        conditions: Mapping[str, Callable[[Any], bool]] | None = None,
        wrong_state_sentence: Text | None = None,
    ) -> None:
        self.name = name
        self.wrong_state_sentence = wrong_state_sentence
        self.verbs = dict(verbs)  # action → past participle for the wrong-state message
        self.conditions = dict(conditions or {})
        self.rows: dict[tuple[str, str], Transition] = {}
        for item in transitions:
            for row in item if isinstance(item, list) else [item]:
                key = (row.state, row.action)
                if key in self.rows:
                    raise ValueError(f"{name}: {key} is declared twice")
                if row.action not in self.verbs:
                    raise ValueError(f"{name}: no verb for {row.action!r}")
                if row.when is not None and row.when not in self.conditions:
                    raise ValueError(f"{name}: no condition {row.when!r}")
                self.rows[key] = row

    @property
    def actions(self) -> list[str]:
        return list(dict.fromkeys(action for _s, action in self.rows))

    def get(self, state: str, action: str) -> Transition | None:
        return self.rows.get((str(state), action))

    def from_state(self, state: str) -> list[Transition]:
        return [row for (s, _a), row in self.rows.items() if s == str(state)]

    def allows(self, obj: Any, action: str) -> bool:
        """Whether `action` can happen to `obj` in its current status (whoever asks)."""
        row = self.get(obj.status, action)
        return row is not None and (row.when is None or self.conditions[row.when](obj))

    def wrong_state(self, obj: Any, action: str) -> DomainError:
        """The common wrong_state error for `action` on `obj`."""
        sentence = self.wrong_state_sentence
        return wrong_state(obj, str(self.verbs[action]), str(sentence) if sentence else None)

    def require(self, obj: Any, action: str) -> Transition:
        """The row of `action` from `obj`'s status, or the common wrong_state error."""
        if not self.allows(obj, action):
            raise self.wrong_state(obj, action)
        row = self.get(obj.status, action)
        assert row is not None
        return row

    def actions_for(
        self, user: Any, obj: Any, guards: Mapping[str, Callable[[Any, Any], bool]]
    ) -> set[str]:
        """The actions `user` may take on `obj` now. Each guard is asked at most once."""
        seen: dict[str, bool] = {SYSTEM: False}

        def passes(name: str) -> bool:
            if name not in seen:
                seen[name] = bool(guards[name](user, obj))
            return seen[name]

        return {
            row.action
            for row in self.from_state(obj.status)
            if (row.when is None or self.conditions[row.when](obj)) and any(map(passes, row.who))
        }

    def step(self, state: str, action: str) -> str:
        """The next step the row (state, action) shows, translated; "" when it shows none."""
        row = self.get(state, action)
        return str(row.step) if row and row.step else ""

    def first_step(self, state: str) -> str:
        """The next step of the first row from `state` that has one."""
        for row in self.from_state(state):
            if row.step:
                return str(row.step)
        return ""
