"""Load the 34 provinces and 3,321 commune-level units from the pinned vietnam-provinces."""

from django.db import migrations


def load(apps, schema_editor):
    from welfare.areas.loading import load_areas

    load_areas(apps.get_model("areas", "Province"), apps.get_model("areas", "Commune"))


def unload(apps, schema_editor):
    apps.get_model("areas", "Commune").objects.all().delete()
    apps.get_model("areas", "Province").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]

    operations = [migrations.RunPython(load, unload, elidable=False)]
