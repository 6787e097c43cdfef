"""How a person is named on pages, documents and e-mails."""

from __future__ import annotations


def display_name(user) -> str:
    """The full name, or the user name when none was entered."""
    return user.get_full_name() or user.get_username()
