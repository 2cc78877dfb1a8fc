"""The problem ledger (问题台账): problems, their hops through tiers and departments, events, progress reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from qifu.core.querysets import RestrictedQuerySet
from qifu.enterprises.models import Enterprise
from qifu.organisations.models import Section, Unit

from .choices import (
    ACTIVE_ASSIGNMENT,
    OPEN_STATUSES,
    AssignmentStatus,
    Channel,
    CloseReason,
    ExtensionStatus,
    Nature,
    Priority,
    Rating,
    ResolutionType,
    ReturnKind,
    Status,
    Tier,
    WarningColour,
)

USER = settings.AUTH_USER_MODEL


class ProblemCategory(models.Model):
    """A kind of problem (admin-editable); a common problem of this kind goes to ``task_force``."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    task_force = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problem_categories",
        verbose_name=_("service task force"),
        help_text=_("The task force whose domain covers this kind of problem."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("problem category")
        verbose_name_plural = _("problem categories")

    def __str__(self) -> str:
        return self.name


class LedgerSequence(models.Model):
    """The last number issued per prefix and year, so ledger numbers are dense and stable."""

    prefix = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="ledger_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Problem(models.Model):
    """One problem of one enterprise, followed until it is solved. Two clocks: ``deadline`` is the
    enterprise's end-to-end clock; each assignment (hop) has its own."""

    number = models.CharField(_("ledger number"), max_length=32, unique=True)
    # Null only for a common problem (the parent that groups many enterprises' problems).
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="problems", null=True, blank=True
    )
    # The enterprise's region code, copied here (and kept in step when the enterprise moves) so that district
    # scopes and region filters are a range on an indexed column of the ledger itself, not a join.
    region_code = models.CharField(_("region code"), max_length=12, blank=True, default="")
    # Set when a hop sent it to a unit whose region does not contain region_code (or that has no region): the
    # rare problems a district's command center sees beyond its district, listed apart so that its scope stays
    # an indexed equality on region_code (see core.access._problem_rule). Kept by routing.refresh_beyond_region.
    routed_beyond_region = models.BooleanField(default=False)
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(ProblemCategory, on_delete=models.PROTECT, related_name="problems")
    nature = models.CharField(_("nature"), max_length=16, choices=Nature.choices, default=Nature.INDIVIDUAL)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    crisis_mode = models.BooleanField(
        _("24-hour clock"), default=False, help_text=_("Urgent: deadlines in calendar hours, not working days.")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.COMMISSIONER)
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("responsible unit")
    )
    responsible_section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("responsible section"),
    )
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # 首接负责: the commissioner who first accepted it stays responsible to the enterprise.
    first_receiver = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    last_progress_at = models.DateTimeField(null=True, blank=True)
    warning = models.CharField(_("warning"), max_length=8, choices=WarningColour.choices, default="", blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Working days from the report to the (latest) resolution, stored when it is resolved so that leaders'
    # averages and percentiles are one aggregate, not a calendar computation per problem.
    handling_days = models.FloatField(_("handling time (working days)"), null=True, blank=True)
    resolved_tier = models.CharField(max_length=16, choices=Tier.choices, blank=True)
    resolved_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolution_type = models.CharField(_("resolution"), max_length=16, choices=ResolutionType.choices, blank=True)
    resolution = models.TextField(_("resolution details"), blank=True)
    rating = models.CharField(_("enterprise rating"), max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=16, choices=CloseReason.choices, blank=True)
    redo_count = models.PositiveSmallIntegerField(default=0)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("common problem"),
    )
    # Stored by the database from status: the whole ledger's "open" lists filter and sort on an ordinary index
    # (SQLite cannot use the partial indexes on open problems when the status list is a bound parameter).
    open_flag = models.GeneratedField(
        expression=models.Case(models.When(status__in=OPEN_STATUSES, then=models.Value(True)),
                               default=models.Value(False)),
        output_field=models.BooleanField(), db_persist=True,
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline", "id"], name="problem_status_deadline_id"),
            models.Index(fields=["responsible_unit", "status"], name="problem_unit_status"),
            models.Index(fields=["enterprise", "status"], name="problem_enterprise_status"),
            models.Index(fields=["warning", "status"], name="problem_warning_status"),
            models.Index(fields=["status", "-reported_at", "-id"], name="problem_status_reported"),
            models.Index(fields=["-reported_at", "-id"], name="problem_reported_desc"),
            models.Index(fields=["region_code", "-reported_at", "-id"], name="problem_region_reported"),
            # The open problems are a small, hot part of a large ledger: the sweep, "open, by deadline" and the
            # home counts read only them.
            models.Index(fields=["deadline", "id"], name="problem_open_deadline",
                         condition=models.Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["-reported_at", "-id"], name="problem_open_reported",
                         condition=models.Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["open_flag", "-reported_at", "-id"], name="problem_open_flag_reported"),
            models.Index(fields=["open_flag", "deadline", "id"], name="problem_open_flag_deadline"),
            # Warned problems are few and looked at often (the red list is every supervisor's first page).
            models.Index(fields=["warning", "-reported_at", "-id"], name="problem_warned_reported",
                         condition=~models.Q(warning="")),
            # The sweep's questions (supervision._candidate_ids): open problems by colour and deadline, by colour
            # and start of the reporting period.
            models.Index("warning", "deadline", name="problem_open_warning_deadline",
                         condition=models.Q(status__in=OPEN_STATUSES)),
            models.Index("warning", Coalesce("last_progress_at", "reported_at"), name="problem_open_warning_period",
                         condition=models.Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["id"], name="problem_routed_beyond_region",
                         condition=models.Q(routed_beyond_region=True)),
            # A district's lists: by status, and its open problems by report or by deadline.
            models.Index(fields=["region_code", "status", "-reported_at", "-id"], name="problem_region_status"),
            models.Index(fields=["region_code", "-reported_at", "-id"], name="problem_open_region_reported",
                         condition=models.Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["region_code", "deadline", "id"], name="problem_open_region_deadline",
                         condition=models.Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["region_code", "category", "-reported_at", "-id"], name="problem_open_region_category",
                         condition=models.Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["region_code", "warning", "-reported_at", "-id"], name="problem_warned_region",
                         condition=~models.Q(warning="")),
        ]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.region_code and self.enterprise_id is not None:
            self.region_code = self.enterprise.region_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_open(self) -> bool:
        return self.status in (Status.REPORTED, Status.ACCEPTED, Status.ESCALATED, Status.DISPATCHED)


class Assignment(models.Model):
    """One hop: the problem at a tier's unit or a department, with its own owner, deadline and clock."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="assignments")
    tier = models.CharField(max_length=16, choices=Tier.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="problem_assignments")
    section = models.ForeignKey(Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    leader = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assigned_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    return_kind = models.CharField(max_length=16, choices=ReturnKind.choices, blank=True)
    return_reason = models.TextField(blank=True)
    instructions = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["assigned_at", "id"]
        indexes = [
            models.Index(fields=["unit", "status"], name="assignment_unit_status"),
            models.Index(fields=["problem", "status"], name="assignment_problem_status"),
            models.Index(fields=["unit", "problem"], name="assignment_unit_problem"),
            models.Index(fields=["deadline"], name="assignment_active_deadline",
                         condition=models.Q(status__in=ACTIVE_ASSIGNMENT)),
        ]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.problem.number} → {self.unit}"

    def save(self, *args: object, **kwargs: object) -> None:
        adding = self._state.adding
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        if adding:
            from .routing import refresh_beyond_region

            refresh_beyond_region([self.problem_id])


class ProblemEvent(models.Model):
    """An immutable step of a problem's timeline: who, when, from, to, why (codes + JSON, never text)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=32)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=64, blank=True)  # a job, when there is no acting user
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    from_tier = models.CharField(max_length=16, blank=True)
    to_tier = models.CharField(max_length=16, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["problem", "created_at"], name="problemevent_problem_time"),
            # Leaders' escalation counts read a few events among millions.
            models.Index(fields=["problem"], name="problemevent_escalations",
                         condition=models.Q(code__in=("escalated", "escalated_overdue"))),
        ]
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")

    def __str__(self) -> str:
        return f"{self.code} {self.problem_id}"


class ProgressReport(models.Model):
    """A structured progress report (定期报送): what was done, what comes next, what blocks it."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="progress_reports")
    assignment = models.ForeignKey(Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    progress = models.TextField(_("progress"))
    next_step = models.TextField(_("next step"), blank=True)
    blocker = models.TextField(_("blocker"), blank=True)
    created_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["problem", "-created_at"], name="progress_problem_latest")]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.progress[:40]}"


class DeadlineExtension(models.Model):
    """A request to move a deadline, with its reason; granted or refused by the tier above."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="extensions")
    assignment = models.ForeignKey(Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField(_("reason"))
    new_deadline = models.DateTimeField(_("requested deadline"))
    status = models.CharField(max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.problem_id} → {self.new_deadline:%Y-%m-%d}"


class Attachment(models.Model):
    """A file attached to a problem (photos, letters, approvals)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="ledger/%Y/%m/")
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class KpiSnapshot(models.Model):
    """Leaders' KPIs over the whole ledger (overall, per unit, per tier), recomputed by a periodic job: a rollup
    the KPI page reads instead of aggregating a million problems on every request. Scoped or filtered views are
    computed live."""

    by = models.CharField(max_length=8, unique=True)  # "" = overall, "unit", "tier"
    rows = models.JSONField(default=list)
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0.0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("KPI snapshot")
        verbose_name_plural = _("KPI snapshots")

    def __str__(self) -> str:
        return f"{self.by or 'overall'} @ {self.computed_at:%Y-%m-%d %H:%M}"
