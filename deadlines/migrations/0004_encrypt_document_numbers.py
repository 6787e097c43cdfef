"""Encrypt the identity document number on payroll deduction orders (issue 25, SPEC §5.4):
the column becomes a Fernet token (viaticos.crypto), and the numbers already stored in plain
text are encrypted (reversible: backwards writes them back in plain text)."""

from django.db import migrations

import viaticos.crypto

TABLE = "settlements_payrolldeductionorder"  # the table kept its name when the model moved


def encrypt(apps, schema_editor):
    viaticos.crypto.encrypt_plain_columns(
        schema_editor.connection, table=TABLE, key="id", columns=["document_number"]
    )


def decrypt(apps, schema_editor):
    viaticos.crypto.encrypt_plain_columns(
        schema_editor.connection,
        table=TABLE,
        key="id",
        columns=["document_number"],
        backwards=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0003_sanction_proposals_and_orders_per_advance"),
    ]

    operations = [
        migrations.AlterField(
            model_name="payrolldeductionorder",
            name="document_number",
            field=viaticos.crypto.EncryptedCharField(
                blank=True, max_length=30, verbose_name="identity document number"
            ),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
