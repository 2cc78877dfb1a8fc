"""Codes of the key-project app: stages, equipment statuses and risks, logistics kinds, vehicle passes and the
passes' transition table."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    CONSTRUCTION = "construction", _("Construction")
    COMMISSIONING = "commissioning", _("Commissioning")
    OPERATION = "operation", _("In operation")


class Origin(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    IMPORTED = "imported", pgettext_lazy("equipment origin", "Imported")


class EquipmentStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    IN_PRODUCTION = "in_production", _("In production")
    READY_TO_SHIP = "ready_to_ship", _("Ready to ship")
    IN_TRANSIT = "in_transit", _("In transit")
    AT_PORT = "at_port", _("At port")
    ON_SITE = "on_site", _("On site")
    INSTALLED = "installed", _("Installed")


ARRIVED = (EquipmentStatus.ON_SITE, EquipmentStatus.INSTALLED)
# Not yet shipped: a late date here is harder to win back than one already on the way.
NOT_SHIPPED = (EquipmentStatus.ORDERED, EquipmentStatus.IN_PRODUCTION)


class TransportMode(models.TextChoices):
    ROAD = "road", _("Road")
    RAIL = "rail", _("Rail")
    SEA = "sea", _("Sea")
    AIR = "air", _("Air")
    MULTIMODAL = "multimodal", _("Multimodal")


class Risk(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("risk", "Normal")
    DELAY = "delay", _("Delay risk")
    MAJOR = "major", _("Major risk")


class LogisticsKind(models.TextChoices):
    OVERSIZE = "oversize", _("Oversize transport")
    URGENT = "urgent", _("Urgent transport")
    CUSTOMS = "customs", _("Customs clearance")
    GREEN_CHANNEL = "green_channel", _("Green channel")


class VehicleType(models.TextChoices):
    BUS = "bus", pgettext_lazy("vehicle type", "Bus")
    CAR = "car", _("Car")
    VAN = "van", _("Van")
    TRUCK = "truck", _("Truck")
    HEAVY = "heavy", _("Heavy goods vehicle")


class PassPurpose(models.TextChoices):
    COMMUTING = "commuting", _("Commuting")
    FREIGHT = "freight", _("Freight")


class PassStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")


# status → the statuses a pass may move to (the services look here before they write)
PASS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    PassStatus.PENDING: (PassStatus.APPROVED, PassStatus.REFUSED),
    PassStatus.APPROVED: (PassStatus.REVOKED,),
    PassStatus.REFUSED: (),
    PassStatus.REVOKED: (),
}
