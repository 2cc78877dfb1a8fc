"""Seed the problem categories named in the issue (admin-editable afterwards)."""

from django.db import migrations

from qifu.ledger.migrations._seed import seed_categories


def seed(apps, schema_editor):
    seed_categories(apps.get_model("ledger", "ProblemCategory"))


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
