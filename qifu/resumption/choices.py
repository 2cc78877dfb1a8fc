"""Codes of the resumption reports: the four statuses, the main obstacles, the channels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResumptionStatus(models.TextChoices):
    NOT_RESUMED = "not_resumed", _("Not resumed")  # 未复工
    PARTLY = "partly", _("Partly resumed")  # 部分复工
    RESUMED = "resumed", _("Resumed")  # 已复工
    FULL = "full", _("At full capacity")  # 已达产


# The statuses that count as "resumed" in the resumption rate (复工率): partly, fully, at capacity.
RESUMED_STATUSES = (ResumptionStatus.PARTLY, ResumptionStatus.RESUMED, ResumptionStatus.FULL)


class Obstacle(models.TextChoices):
    NONE = "", _("None")
    WORKERS = "workers", _("Workers cannot return")
    MATERIALS = "materials", _("Raw materials and parts")
    PROTECTIVE = "protective_supplies", _("Masks and disinfectant")
    LOGISTICS = "logistics", _("Transport and logistics")
    FUNDING = "funding", _("Funding")
    ORDERS = "orders", _("Orders and sales")
    APPROVALS = "approvals", _("Approvals and inspections")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    IMPORT = "import", _("Excel upload")
