"""Seed the problem categories named in the issue (admin-editable afterwards)."""

from django.db import migrations

CATEGORIES = [
    ("staffing", "用工"),
    ("logistics", "物流运输"),
    ("protective_supplies", "防护物资"),
    ("supply_chain", "产业链配套"),
    ("funding", "资金"),
    ("equipment", "设备"),
    ("permits", "审批许可"),
    ("epidemic_prevention", "疫情防控"),
    ("policy", "政策"),
    ("other", "其他"),
]


def seed(apps, schema_editor):
    ProblemCategory = apps.get_model("ledger", "ProblemCategory")
    for order, (code, name) in enumerate(CATEGORIES):
        ProblemCategory.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
