"""Key projects (重点项目): milestones, the stationed work team, the equipment ledger (设备台账) with its risk,
the team's notes on supplier countries, logistics requests (each a ledger problem) and vehicle passes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qifu.core.querysets import RestrictedQuerySet
from qifu.enterprises.models import Enterprise
from qifu.ledger.models import Problem
from qifu.organisations.models import Region, Unit

from .choices import (
    EquipmentStatus,
    LogisticsKind,
    Origin,
    PassPurpose,
    PassStatus,
    Risk,
    Stage,
    TransportMode,
    VehicleType,
)

USER = settings.AUTH_USER_MODEL


class KeyProject(models.Model):
    """A key project (重点项目) with its owner, the work team stationed on site and the transport department
    that decides its vehicle passes."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    owner = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="key_projects",
                              verbose_name=_("owner enterprise"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    investment = models.DecimalField(_("investment (yuan)"), max_digits=16, decimal_places=2)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.CONSTRUCTION)
    work_team = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="key_projects",
                                  verbose_name=_("work team"))
    transport_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("transport department"))
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A dated milestone of a project (mechanical completion, start-up…) that equipment items may gate."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("name"), max_length=64)
    planned_date = models.DateField(_("planned date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "sort_order", "planned_date"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="milestone_name_per_project")]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.name} {self.planned_date.isoformat()}"


class EquipmentItem(models.Model):
    """One line of a project's equipment ledger, identified by the site's item number. ``risk`` is the team's
    judgement; ``suggested_risk`` what the dates and status say (kept by the services)."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="equipment")
    number = models.CharField(_("item number"), max_length=32)
    name = models.CharField(_("name"), max_length=128)
    specification = models.CharField(_("specification / model"), max_length=128, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    supplier = models.CharField(_("supplier"), max_length=128)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("region of origin"))
    country = models.CharField(_("country (ISO 3166)"), max_length=2, blank=True)
    contract_value = models.DecimalField(_("contract value (yuan)"), max_digits=16, decimal_places=2, null=True,
                                         blank=True)
    contract_delivery = models.DateField(_("contract delivery date"), null=True, blank=True)
    planned_arrival = models.DateField(_("planned arrival"), null=True, blank=True)
    actual_arrival = models.DateField(_("actual arrival"), null=True, blank=True)
    transport_mode = models.CharField(_("transport mode"), max_length=12, choices=TransportMode.choices,
                                      blank=True)
    route = models.CharField(_("route"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=EquipmentStatus.choices,
                              default=EquipmentStatus.ORDERED)
    foreign_technicians = models.BooleanField(_("foreign technicians needed"), default=False)
    outside_technicians = models.BooleanField(_("out-of-town technicians needed"), default=False)
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices, default=Risk.NORMAL)
    risk_reason = models.TextField(_("risk reason"), blank=True)
    suggested_risk = models.CharField(_("suggested risk"), max_length=8, choices=Risk.choices, default=Risk.NORMAL)
    difficulty = models.TextField(_("difficulty"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    milestone = models.ForeignKey(Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="items",
                                  verbose_name=_("gated milestone"))
    responsible_unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                         verbose_name=_("responsible unit"))
    previous_supplier = models.CharField(_("replaced supplier"), max_length=128, blank=True)
    supplier_replaced_at = models.DateTimeField(_("supplier replaced at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("last update"))
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="equipment_number_per_project")]
        indexes = [
            # covers the risk view's grouped count, so it reads the index alone
            models.Index(fields=["project", "origin", "risk", "status", "country", "suggested_risk"],
                         name="equipment_figures"),
            models.Index(fields=["project", "supplier_replaced_at"], name="equipment_replaced"),
            models.Index(fields=["project", "status"], name="equipment_status"),
            models.Index(fields=["project", "risk"], name="equipment_risk"),
            models.Index(fields=["project", "country"], name="equipment_country"),
            models.Index(fields=["project", "milestone", "planned_arrival"], name="equipment_gate"),
        ]
        verbose_name = _("equipment item")
        verbose_name_plural = _("equipment items")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def arrived(self) -> bool:
        return self.status in (EquipmentStatus.ON_SITE, EquipmentStatus.INSTALLED)


class CountryNote(models.Model):
    """The work team's note on the situation in one supplier country (epidemic, ports, flights)."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="country_notes")
    country = models.CharField(_("country (ISO 3166)"), max_length=2)
    situation = models.TextField(_("situation"))
    updated_at = models.DateTimeField(_("last update"))
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "country"]
        constraints = [models.UniqueConstraint(fields=["project", "country"], name="country_note_per_project")]
        verbose_name = _("country note")
        verbose_name_plural = _("country notes")

    def __str__(self) -> str:
        return self.country


class LogisticsRequest(models.Model):
    """An oversize, urgent, customs or green-channel request; its handling is the linked ledger problem."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="logistics_requests")
    kind = models.CharField(_("kind"), max_length=16, choices=LogisticsKind.choices)
    problem = models.OneToOneField(Problem, on_delete=models.PROTECT, related_name="logistics_request",
                                   verbose_name=_("ledger problem"))
    items = models.ManyToManyField(EquipmentItem, related_name="logistics_requests", blank=True,
                                   verbose_name=_("equipment items"))
    location = models.CharField(_("location"), max_length=128, blank=True)
    needed_at = models.DateTimeField(_("needed at"), null=True, blank=True)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("logistics request")
        verbose_name_plural = _("logistics requests")

    def __str__(self) -> str:
        return f"{self.kind} {self.problem_id}"


class VehiclePass(models.Model):
    """A vehicle pass (通行证): one vehicle, one pass, one route (一车一证一线路). Approved passes carry an
    HMAC-signed QR code that checkpoints verify without signing in."""

    number = models.CharField(_("pass number"), max_length=24, unique=True)
    project = models.ForeignKey(KeyProject, on_delete=models.PROTECT, related_name="passes",
                                verbose_name=_("key project"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="vehicle_passes",
                                   verbose_name=_("enterprise"))
    authority = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("transport department"))
    plate = models.CharField(_("plate number"), max_length=10)
    vehicle_type = models.CharField(_("vehicle type"), max_length=8, choices=VehicleType.choices)
    driver_name = models.CharField(_("driver"), max_length=32)
    driver_phone = models.CharField(_("driver's phone"), max_length=20, blank=True)
    route = models.CharField(_("route"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=12, choices=PassPurpose.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=12, choices=PassStatus.choices, default=PassStatus.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    applied_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("applied at"))
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-applied_at"], name="pass_enterprise"),
            models.Index(fields=["authority", "status"], name="pass_authority_status"),
        ]
        verbose_name = _("vehicle pass")
        verbose_name_plural = _("vehicle passes")

    def __str__(self) -> str:
        return f"{self.number} {self.plate}"
