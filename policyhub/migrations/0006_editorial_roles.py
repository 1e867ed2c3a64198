"""The Contributors and Editors groups (definition: ``policyhub/roles.py``).

Django creates permissions after all migrations have run (post_migrate), so on a fresh database
the ones these groups need, the custom ``publish_*`` ones included, do not exist yet here: they
are created first, the same way post_migrate would.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from policyhub.roles import ROLES, ensure_roles


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        # create_permissions skips app configs without a models module, as the historical
        # registry's stubs are; put back what was there.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = True
        try:
            create_permissions(
                app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias
            )
        finally:
            app_config.models_module = original
    ensure_roles(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("publications", "0007_workflow"),
        ("options", "0003_workflow"),
        ("policyhub", "0005_old_slugs"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
