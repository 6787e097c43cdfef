from django.db import migrations

ROLES = [
    "traveler",
    "project_coordinator",
    "finance_director",
    "executive_secretary",
    "general_administrator",
    "general_accountant",
    "accounting_assistant",
    "treasury",
    "privacy_officer",
    "auditor",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    # Permissions are attached after migrate by viaticos.roles.sync_role_permissions.


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("viaticos", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
