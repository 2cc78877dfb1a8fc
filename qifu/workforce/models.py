"""Workforce return: who is still away (by origin and, where uploaded, by name), the chartered buses that
fetch them, the return figures, the projects' lodging rules and shuttles, and health events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qifu.core.querysets import RestrictedQuerySet
from qifu.enterprises.models import Enterprise
from qifu.ledger.models import Problem
from qifu.organisations.models import Region, Unit
from qifu.projects.models import KeyProject

from .choices import (
    AuthorityKind,
    HealthStatus,
    HealthStepKind,
    PlanStatus,
    StepResult,
    TripState,
    WorkerState,
)

USER = settings.AUTH_USER_MODEL


class Authority(models.Model):
    """A unit acting as the transport department (approves chartered buses) or the health authority (sees
    personal data unmasked, follows health events) for the enterprises of a region."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="workforce_authorities")
    kind = models.CharField(max_length=16, choices=AuthorityKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "region"], name="authority_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.region_id}"


class ProjectMember(models.Model):
    """An enterprise whose workers make up a key project's roster (the owner always does; its contractors
    and builders on site are added here)."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="workforce_members")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="workforce_projects")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["project_id", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["project", "enterprise"], name="project_member_unique")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.enterprise_id}"


class LodgingRule(models.Model):
    """The lodging rule agreed for a key project (e.g. 点对点、不拒收 with daily shuttles to the site only),
    with the ledger problem (towns refusing lodging) it settled."""

    project = models.OneToOneField(KeyProject, on_delete=models.CASCADE, related_name="lodging_rule")
    rule = models.TextField(_("agreed lodging rule"))
    agreed_at = models.DateTimeField(_("agreed at"))
    agreed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    problem = models.ForeignKey(Problem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("ledger problem"))

    objects = RestrictedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.project_id}"


class Shuttle(models.Model):
    """A daily shuttle between lodging and the site, part of a project's lodging rule."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="shuttles")
    lodging = models.CharField(_("lodging"), max_length=128)
    departs = models.TimeField(_("departs"))
    returns = models.TimeField(_("returns"), null=True, blank=True)
    seats = models.PositiveIntegerField(_("seats"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["project_id", "departs"]

    def __str__(self) -> str:
        return f"{self.lodging} {self.departs}"


class OriginGroup(models.Model):
    """An enterprise's workers from one origin (a county, or a province when only that is known): how many
    worked there before the holiday, and how many are in each state now."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="origin_groups")
    origin = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("origin"))
    expected = models.PositiveIntegerField(_("workers before the holiday"), default=0)
    at_origin = models.PositiveIntegerField(default=0)
    travelling = models.PositiveIntegerField(default=0)
    arrived = models.PositiveIntegerField(default=0)
    observation = models.PositiveIntegerField(default=0)
    at_work = models.PositiveIntegerField(default=0)
    not_returning = models.PositiveIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise_id", "origin_id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "origin"], name="origin_group_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.origin_id}"

    @property
    def on_site(self) -> int:
        return self.arrived + self.observation + self.at_work


class Worker(models.Model):
    """One worker of an enterprise's personal list. Phone and ID number are personal data: masked for all but
    the enterprise itself and the health authority, and every unmasked view is logged."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="workers")
    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=20)
    id_number = models.CharField(_("ID number"), max_length=18)
    origin = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("origin"))
    job = models.CharField(_("job"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=WorkerState.choices, default=WorkerState.AT_ORIGIN)
    trip = models.ForeignKey("Trip", on_delete=models.SET_NULL, null=True, blank=True, related_name="riders")
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise_id", "origin_id", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "id_number"], name="worker_unique_id")]
        indexes = [models.Index(fields=["enterprise", "state"], name="worker_enterprise_state")]

    def __str__(self) -> str:
        return self.name


class ReturnTally(models.Model):
    """Workers of one origin province who came on site on one day, for one enterprise (``enterprise`` set) or
    summed for its district (``enterprise`` empty: what district and city figures read, a few thousand rows
    whatever the number of workers). ``date`` empty holds the pre-holiday headcount."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(null=True, blank=True)
    count = models.IntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["enterprise", "date"], name="tally_enterprise_date"),
            models.Index(fields=["district", "date"], name="tally_district_date"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.district_id} {self.province_id} {self.date}"


class BusPlan(models.Model):
    """A proposed set of chartered buses for an enterprise's workers still away, with the planner's result
    and bounds; the transport department approves it (it then becomes trips) or rejects it."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="bus_plans")
    date = models.DateField(_("travel date"))
    seats = models.PositiveIntegerField(_("seats per bus"))
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.PROPOSED)
    result = models.JSONField(default=dict)
    bus_count = models.PositiveIntegerField(default=0)
    lower_bound_buses = models.PositiveIntegerField(default=0)
    distance_km = models.FloatField(default=0)
    lower_bound_km = models.FloatField(default=0)
    method = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.date} {self.bus_count}"


class Trip(models.Model):
    """One chartered bus of an approved plan: its pick-ups (the manifest by origin; named workers point at it),
    seats and state planned → departed → arrived."""

    plan = models.ForeignKey(BusPlan, on_delete=models.CASCADE, related_name="trips")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="trips")
    number = models.PositiveIntegerField(_("bus"))
    date = models.DateField(_("date"))
    seats = models.PositiveIntegerField(_("seats"))
    passengers = models.PositiveIntegerField(_("passengers"))
    pickups = models.JSONField(default=list)  # [[origin code, workers], …] in route order
    distance_km = models.FloatField(default=0)
    state = models.CharField(_("state"), max_length=16, choices=TripState.choices, default=TripState.PLANNED)
    departed_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="trip_unique_number")]

    def __str__(self) -> str:
        return f"{self.plan_id}-{self.number}"


class HealthEvent(models.Model):
    """A suspected case (疫情防控事件) at an enterprise: its steps, outcome and who was told. While open, the
    enterprise and the plants it supplies (``customers``) show a warning."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="health_events")
    customers = models.ManyToManyField(Enterprise, related_name="supplier_health_events", blank=True)
    person_name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    description = models.TextField(_("what happened"))
    status = models.CharField(_("status"), max_length=16, choices=HealthStatus.choices, default=HealthStatus.OPEN)
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"))
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    notified = models.JSONField(default=list)  # names of the units told

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["status", "enterprise"], name="health_status_enterprise")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.reported_at:%Y-%m-%d}"


class HealthStep(models.Model):
    """One step of a health event: hospital, CT, a nucleic-acid test, the expert review…"""

    event = models.ForeignKey(HealthEvent, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=16, choices=HealthStepKind.choices)
    at = models.DateTimeField(_("time"))
    result = models.CharField(_("result"), max_length=16, choices=StepResult.choices, default=StepResult.PENDING)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["event_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.kind}"
