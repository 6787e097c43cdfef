"""Encrypt the requester's and the representative's identity document numbers on ARCO
requests and their history (issue 25, SPEC §5.4): the columns become Fernet tokens
(viaticos.crypto) and the numbers already stored in plain text are encrypted (reversible:
backwards writes them back in plain text). Nothing searches requests by document number, so no
lookup hash is needed (the tracking code finds a request)."""

from django.db import migrations

import viaticos.crypto

COLUMNS = ["document_number", "representative_document_number"]
TABLES = (("privacy_arcorequest", "id"), ("privacy_historicalarcorequest", "history_id"))


def encrypt(apps, schema_editor):
    for table, key in TABLES:
        viaticos.crypto.encrypt_plain_columns(
            schema_editor.connection, table=table, key=key, columns=COLUMNS
        )


def decrypt(apps, schema_editor):
    for table, key in TABLES:
        viaticos.crypto.encrypt_plain_columns(
            schema_editor.connection, table=table, key=key, columns=COLUMNS, backwards=True
        )


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0020_channels_paper_email_electronic'),
    ]

    operations = [
        migrations.AlterField(
            model_name='arcorequest',
            name='document_number',
            field=viaticos.crypto.EncryptedCharField(max_length=20, verbose_name='identity document number'),
        ),
        migrations.AlterField(
            model_name='arcorequest',
            name='representative_document_number',
            field=viaticos.crypto.EncryptedCharField(blank=True, max_length=20, verbose_name="representative's document number"),
        ),
        migrations.AlterField(
            model_name='historicalarcorequest',
            name='document_number',
            field=viaticos.crypto.EncryptedCharField(max_length=20, verbose_name='identity document number'),
        ),
        migrations.AlterField(
            model_name='historicalarcorequest',
            name='representative_document_number',
            field=viaticos.crypto.EncryptedCharField(blank=True, max_length=20, verbose_name="representative's document number"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
