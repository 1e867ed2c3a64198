import uuid

from django.db import migrations, models


def give_keys(apps, schema_editor):
    LibraryImage = apps.get_model("editorial", "LibraryImage")
    for image in LibraryImage.objects.filter(key__isnull=True).only("pk"):
        image.key = uuid.uuid4()
        image.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0002_site_settings_and_image_library"),
    ]

    # A default is evaluated once for the existing rows, so they get their keys one by one
    # before the column becomes unique.
    operations = [
        migrations.AddField(
            model_name="libraryimage",
            name="key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="libraryimage",
            name="key",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="Names the image in exported files, whatever its number on another site.",
                unique=True,
            ),
        ),
    ]
