"""Codes of the supply-chain analysis: the coordination levels and the firms' statuses in it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .graph import coordination


class Level(models.TextChoices):
    """Who coordinates a blocking supplier (graph.coordination computes it from the region codes)."""

    DISTRICT = coordination.DISTRICT, _("Commissioner and district")
    CITY = coordination.CITY, _("City service task force")
    PROVINCE = coordination.PROVINCE, _("Provincial economic department")
    CROSS_PROVINCE = coordination.CROSS_PROVINCE, _("Cross-province, through the province")


# What a firm's latest status report means for the chain. No report at all counts as not resumed.
NO_REPORT = "no_report"
