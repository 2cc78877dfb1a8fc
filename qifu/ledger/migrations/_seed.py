"""Problem categories seeded by migration 0002 (and re-seeded by tests after a transactional flush)."""

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


def seed_categories(model=None) -> None:  # type: ignore[no-untyped-def]
    if model is None:
        from qifu.ledger.models import ProblemCategory as model
    for order, (code, name) in enumerate(CATEGORIES):
        model.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
