"""Template helpers: the region picker, event labels, role names."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from qifu.organisations.choices import Role
from qifu.organisations.models import Region

register = template.Library()


@register.inclusion_tag("organisations/_region_picker.html")
def region_picker(field: Any) -> dict[str, Any]:
    """Cascading province → city → county selects writing the chosen code into ``field`` (hidden)."""
    code = str(field.value() or "")
    chain: list[Region] = []
    region = Region.objects.select_related("parent__parent").filter(code=code).first() if code else None
    while region is not None:
        chain.insert(0, region)
        region = region.parent
    provinces = list(Region.objects.filter(parent__isnull=True).order_by("code"))
    levels = [{"options": provinces, "selected": chain[0].code if chain else ""}]
    for i in (1, 2):
        parent = chain[i - 1] if len(chain) >= i else None
        options = list(Region.objects.filter(parent=parent).order_by("code")) if parent else []
        levels.append({"options": options, "selected": chain[i].code if len(chain) > i else ""})
    return {"field": field, "levels": levels, "disabled": field.field.disabled}


EVENT_LABELS = {
    "enterprise.created": _("Enterprise registered"),
    "enterprise.updated": _("Enterprise details changed"),
    "enterprise.imported": _("Imported from Excel"),
    "enterprise.commissioner_assigned": _("Commissioner assigned"),
    "enterprise.contact_added": _("Contact added"),
}


@register.filter
def event_label(code: str) -> str:
    return str(EVENT_LABELS.get(code, code))


@register.filter
def role_label(code: str) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return code


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None
