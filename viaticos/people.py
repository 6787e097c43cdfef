"""How a person is named on pages, documents and e-mails."""

from __future__ import annotations


def display_name(user) -> str:
    """The full name, or the user name when none was entered."""
    return user.get_full_name() or user.get_username()


def person_by_document(doc_type: str, number: str):
    """The traveler profile (with its user) whose identity document is `doc_type` `number`,
    or None. The only way to find a person by document: numbers are stored encrypted and
    compared through their keyed hash (viaticos.crypto). One query."""
    from viaticos.crypto import document_lookup_hash
    from viaticos.models import TravelerProfile

    digest = document_lookup_hash(doc_type, number)
    if not digest:
        return None
    return (
        TravelerProfile.objects.select_related("user")
        .filter(document_number_hash=digest)
        .order_by("pk")
        .first()
    )
