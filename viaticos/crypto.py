"""Encryption at rest of identity and bank data (SPEC §5.4, R-S1…R-S4 security measures).

Fields: document numbers and bank accounts are stored as Fernet tokens (AES-128-CBC + HMAC,
from the maintained `cryptography` library) with `EncryptedCharField`; they read back as plain
text in Python, so pages, letters and exports keep working, while the database, its dumps and
backups hold only ciphertext. A token is not searchable: a document number is found through a
keyed hash column (`document_lookup_hash`, HMAC-SHA256) and only through
`viaticos.people.person_by_document`.

Files: identity copies are written encrypted (`encrypt_bytes`) and read through `read_bytes`,
which recognises the header and decrypts.

Keys come from the environment: VIATICOS_FIELD_KEYS (comma-separated Fernet keys, the first
encrypts, every one decrypts: MultiFernet) and VIATICOS_LOOKUP_KEY (the HMAC key). With
DEBUG on and no keys set, settings.py puts fixed development keys so that the demo runs; with
DEBUG off start-up stops without them. Rotation: put the new key first in VIATICOS_FIELD_KEYS,
keep the old ones after it, run `manage.py rotate_encryption_keys`, then drop the old keys.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models import lookups
from django.db.models.expressions import Combinable
from django.db.models.lookups import Lookup

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

# Files written encrypted start with this line; anything else is read as it is (files stored
# before encryption, stamped receipts and built PDFs that carry no identity copy).
FILE_HEADER = b"VIATICOS-FERNET-1\n"


@cache
def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "VIATICOS_FIELD_KEYS", []) or [])
    if not keys:
        raise ImproperlyConfigured("VIATICOS_FIELD_KEYS must be set (README, 'Encryption keys').")
    try:
        return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "VIATICOS_FIELD_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes), e.g. "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())'."
        ) from None


@cache
def _lookup_key() -> bytes:
    key = getattr(settings, "VIATICOS_LOOKUP_KEY", "") or ""
    if not key:
        raise ImproperlyConfigured("VIATICOS_LOOKUP_KEY must be set (README, 'Encryption keys').")
    return key.encode()


def reset_keys() -> None:
    """Forget the keys read from settings (tests that change them, the rotate command)."""
    _fernet.cache_clear()
    _lookup_key.cache_clear()


def encrypt_text(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with VIATICOS_FIELD_KEYS: a key is missing (keep "
            "the old keys after the new one until rotate_encryption_keys has run)."
        ) from None


def rotate_text(token: str) -> str:
    """The same value encrypted with the first (newest) key."""
    return _fernet().rotate(token.encode()).decode()


def is_token(value: str) -> bool:
    return bool(value) and value.startswith("gAAAAA")


def encrypt_bytes(content: bytes) -> bytes:
    return FILE_HEADER + _fernet().encrypt(content)


def decrypt_bytes(content: bytes) -> bytes:
    if not content.startswith(FILE_HEADER):
        return content
    try:
        return _fernet().decrypt(content[len(FILE_HEADER) :])
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored file cannot be decrypted with VIATICOS_FIELD_KEYS: a key is missing."
        ) from None


def read_bytes(name: str) -> bytes:
    """A stored file's content, decrypted when it was written encrypted."""
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as handle:
        return decrypt_bytes(handle.read())


def normalize_document_number(number: str) -> str:
    """What people type varies (spaces, dots, hyphens, lower case): the hash compares the rest."""
    return re.sub(r"[\s.\-]", "", number or "").upper()


def document_lookup_hash(doc_type: str, number: str) -> str:
    """HMAC-SHA256 of the document type and normalized number; "" for no number."""
    normalized = normalize_document_number(number)
    if not normalized:
        return ""
    message = f"{(doc_type or '').upper()}:{normalized}".encode()
    return hmac.new(_lookup_key(), message, hashlib.sha256).hexdigest()


class _ExactEmptyOnly(lookups.Exact[str]):
    """A token differs at every encryption: comparing with a value would silently find
    nothing. Only "is it empty" is answerable; look a person up with person_by_document."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                "An encrypted field cannot be compared with a value: use its lookup hash "
                "(viaticos.people.person_by_document)."
            )
        return super().get_prep_lookup()


class EncryptedCharField(models.CharField[str | int | Combinable, str]):
    """A short text stored encrypted (a text column holding a Fernet token).

    `max_length` limits the plain value (forms, validation); the column is unbounded because
    the token is longer. The empty string is stored as it is, so "no bank account" stays
    queryable."""

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        return str(connection.data_types["TextField"])

    def from_db_value(
        self, value: str | None, expression: object, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(str(value))

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name == "exact":
            return _ExactEmptyOnly
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None


class LookupHashField(models.CharField[str | int | Combinable, str]):
    """The keyed hash of two sibling fields (document type and number), kept in step on every
    save, including the admin and bulk creation; queryset updates must set it themselves."""

    def __init__(
        self, *args: Any, type_field: str = "", number_field: str = "", **kwargs: Any
    ) -> None:
        self.type_field = type_field
        self.number_field = number_field
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["type_field"] = self.type_field
        kwargs["number_field"] = self.number_field
        for key, default in (("max_length", 64), ("blank", True), ("editable", False)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = document_lookup_hash(
            getattr(model_instance, self.type_field, ""),
            getattr(model_instance, self.number_field, ""),
        )
        setattr(model_instance, self.attname, value)
        return value


def encrypt_plain_columns(
    connection: BaseDatabaseWrapper,
    *,
    table: str,
    key: str,
    columns: list[str],
    backwards: bool = False,
) -> int:
    """For data migrations: encrypt the values of `columns` stored in plain text (a token is
    left as it is, so running it twice changes nothing); `backwards` writes the plain text back.
    Raw SQL: a model whose field is already encrypted would try to decrypt the plain values.
    Returns the number of rows changed."""
    names = ", ".join(columns)
    changed = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key}, {names} FROM {table}")  # noqa: S608
        for pk, *values in cursor.fetchall():
            if backwards:
                new = [decrypt_text(v) if v and is_token(v) else v for v in values]
            else:
                new = [v if not v or is_token(v) else encrypt_text(v) for v in values]
            if new == values:
                continue
            assignments = ", ".join(f"{c} = %s" for c in columns)
            cursor.execute(
                f"UPDATE {table} SET {assignments} WHERE {key} = %s",  # noqa: S608
                [*new, pk],
            )
            changed += 1
    return changed
