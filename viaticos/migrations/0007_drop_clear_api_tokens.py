"""API tokens were stored in clear by rest_framework.authtoken; they are now hashed (knox).
The old table, and every clear token in it, is dropped: integrations create a new token on
*Mi cuenta* (CHANGELOG, issue 18)."""

from django.db import migrations


def drop_clear_tokens(apps, schema_editor):
    if "authtoken_token" in schema_editor.connection.introspection.table_names():
        schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("viaticos", "0006_outbox_message")]

    operations = [migrations.RunPython(drop_clear_tokens, migrations.RunPython.noop)]
