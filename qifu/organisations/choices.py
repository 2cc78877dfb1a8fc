"""Codes for organisation data: region levels, industry levels, unit kinds, coordination roles and roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    PREFECTURE = 2, _("Prefecture-level city")
    COUNTY = 3, _("District / county")


def code_prefix(code: str | None, level: int | None) -> str | None:
    """The code prefix shared by a region and everything inside it (None for no region): 51 for a province,
    5101 for a prefecture-level city, the whole code below."""
    if not code:
        return None
    if level == RegionLevel.PROVINCE:
        return code[:2]
    if level == RegionLevel.PREFECTURE:
        return code[:4]
    return code


class IndustryLevel(models.IntegerChoices):
    SECTION = 1, pgettext_lazy("industry level", "Section")
    DIVISION = 2, pgettext_lazy("industry level", "Division")


class UnitKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("Epidemic prevention and resumption headquarters")
    COMMAND_CENTER = "command_center", _("District / county command center")
    SERVICE_TASK_FORCE = "service_task_force", _("Service task force")
    LEADERSHIP_TASK_FORCE = "leadership_task_force", _("Leadership task force")
    DEPARTMENT = "department", _("Department")
    ECONOMIC_BUREAU = "economic_bureau", _("Economic and information bureau")
    WORK_TEAM = "work_team", _("Key-project work team")


class CoordinationRole(models.TextChoices):
    """What a unit coordinates for the others, so that routing names it instead of guessing from its kind and
    region (a province has many departments: only one is its economic department)."""

    ECONOMIC_DEPARTMENT = "economic_department", _(
        "Provincial economic department (supply-chain coordination inside the province)"
    )
    CROSS_PROVINCE_OFFICE = "cross_province_office", _("Cross-province coordination office")


# Per coordination role: the unit kinds that may hold it (they must take problems routed to them) and the
# level of the region the unit must be registered at (routing looks the role up at the province's code).
COORDINATION_ROLE_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    CoordinationRole.ECONOMIC_DEPARTMENT: (UnitKind.DEPARTMENT, UnitKind.ECONOMIC_BUREAU),
    CoordinationRole.CROSS_PROVINCE_OFFICE: (
        UnitKind.SERVICE_TASK_FORCE, UnitKind.DEPARTMENT, UnitKind.ECONOMIC_BUREAU, UnitKind.HEADQUARTERS,
        UnitKind.COMMAND_CENTER,
    ),
}
COORDINATION_ROLE_REGION_LEVEL: dict[str, int] = {
    CoordinationRole.ECONOMIC_DEPARTMENT: RegionLevel.PROVINCE,
    CoordinationRole.CROSS_PROVINCE_OFFICE: RegionLevel.PROVINCE,
}


class Role(models.TextChoices):
    ENTERPRISE_CONTACT = "enterprise_contact", _("Enterprise contact")
    COMMISSIONER = "commissioner", _("Service commissioner")
    COMMAND_CENTER = "command_center", _("Command center staff")
    TASK_FORCE = "task_force", _("Task force member")
    DEPARTMENT = "department", _("Department staff")
    LEADERSHIP = "leadership", _("Leadership")
    ADMINISTRATOR = "administrator", _("Administrator")


# The unit kinds a role's grant may point at (None: the grant has no unit).
ROLE_UNIT_KINDS: dict[str, tuple[str, ...] | None] = {
    Role.ENTERPRISE_CONTACT: None,
    Role.COMMISSIONER: tuple(UnitKind.values),
    Role.COMMAND_CENTER: (UnitKind.COMMAND_CENTER, UnitKind.HEADQUARTERS),
    Role.TASK_FORCE: (UnitKind.SERVICE_TASK_FORCE,),
    Role.DEPARTMENT: (UnitKind.DEPARTMENT, UnitKind.ECONOMIC_BUREAU),
    Role.LEADERSHIP: (UnitKind.LEADERSHIP_TASK_FORCE, UnitKind.HEADQUARTERS),
    Role.ADMINISTRATOR: None,
}
