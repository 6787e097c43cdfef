"""Encrypt the document numbers and bank accounts already stored in plain text, and fill the
lookup hash (reversible: backwards writes the plain text back). Raw SQL: the model's fields
would try to decrypt the plain values."""

from django.db import migrations

from viaticos import crypto

TABLES = ("viaticos_travelerprofile", "viaticos_historicaltravelerprofile")


def _rows(cursor, table, key):
    cursor.execute(f"SELECT {key}, document_type, document_number, bank_account FROM {table}")  # noqa: S608
    return cursor.fetchall()


def encrypt(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            key = "history_id" if "historical" in table else "id"
            for pk, doc_type, number, bank in _rows(cursor, table, key):
                plain_number = crypto.decrypt_text(number) if crypto.is_token(number) else number
                cursor.execute(
                    f"UPDATE {table} SET document_number = %s, bank_account = %s, "  # noqa: S608
                    f"document_number_hash = %s WHERE {key} = %s",
                    [
                        number if crypto.is_token(number) or not number
                        else crypto.encrypt_text(number),
                        bank if crypto.is_token(bank) or not bank else crypto.encrypt_text(bank),
                        crypto.document_lookup_hash(doc_type, plain_number or ""),
                        pk,
                    ],
                )


def decrypt(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            key = "history_id" if "historical" in table else "id"
            for pk, _type, number, bank in _rows(cursor, table, key):
                cursor.execute(
                    f"UPDATE {table} SET document_number = %s, bank_account = %s, "  # noqa: S608
                    f"document_number_hash = '' WHERE {key} = %s",
                    [
                        crypto.decrypt_text(number) if crypto.is_token(number) else number,
                        crypto.decrypt_text(bank) if crypto.is_token(bank or "") else bank,
                        pk,
                    ],
                )


class Migration(migrations.Migration):
    dependencies = [("viaticos", "0008_encrypt_identity_and_bank_data")]

    operations = [migrations.RunPython(encrypt, decrypt)]
