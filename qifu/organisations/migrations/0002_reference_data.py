"""Load the reference data shipped in qifu/organisations/data: GB/T 2260 regions, GB/T 4754-2017 industries."""

from django.db import migrations

from qifu.organisations.reference import load_industries, load_regions


def load_reference_data(apps, schema_editor):
    load_regions(apps.get_model("organisations", "Region"))
    load_industries(apps.get_model("organisations", "Industry"))


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_reference_data, migrations.RunPython.noop),
    ]
