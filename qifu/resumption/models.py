"""Work resumption: daily status reports, the per-day rollup behind the dashboard, power readings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qifu.core.querysets import RestrictedQuerySet
from qifu.enterprises.models import Enterprise
from qifu.ledger.models import Problem
from qifu.organisations.models import Industry, Region

from .choices import Channel, Obstacle, ResumptionStatus

USER = settings.AUTH_USER_MODEL


class StatusReport(models.Model):
    """One enterprise's resumption status on one day. A later report for the same day becomes the current
    one; the earlier stays as history (``is_current`` False)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="status_reports")
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=16, choices=ResumptionStatus.choices)
    employees_expected = models.PositiveIntegerField(_("employees expected"))
    employees_on_duty = models.PositiveIntegerField(_("employees on duty"))
    capacity = models.PositiveSmallIntegerField(_("capacity utilisation (%)"))
    obstacle = models.CharField(_("main obstacle"), max_length=24, choices=Obstacle.choices, blank=True)
    problem = models.ForeignKey(
        Problem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ledger problem")
    )
    remarks = models.TextField(_("remarks"), blank=True)
    # Where the enterprise was when it reported: the figures group by these, so history stays put.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reported_at = models.DateTimeField(_("reported at"))
    is_current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "date"], condition=models.Q(is_current=True), name="one_current_report_per_day"
            )
        ]
        indexes = [
            models.Index(fields=["date", "region", "industry"], name="report_date_group"),
            models.Index(fields=["enterprise", "-date"], name="report_enterprise_date"),
        ]
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.date.isoformat()} {self.status}"


class DailyFigure(models.Model):
    """Sums of the current reports of one day, district and industry: what the dashboard reads at city and
    province scale. Kept up to date by the services in the same transaction; ``rollup.rebuild`` recomputes."""

    date = models.DateField()
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+")
    reported = models.PositiveIntegerField(default=0)
    not_resumed = models.PositiveIntegerField(default=0)
    partly = models.PositiveIntegerField(default=0)
    resumed = models.PositiveIntegerField(default=0)
    full = models.PositiveIntegerField(default=0)
    employees_expected = models.PositiveBigIntegerField(default=0)
    employees_on_duty = models.PositiveBigIntegerField(default=0)
    capacity_sum = models.PositiveBigIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date", "region", "industry"], name="daily_figure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.region_id} {self.industry_id}"


class PowerAccount(models.Model):
    """An enterprise's electricity account at the grid company; ``baseline_kwh`` overrides the default
    baseline (the previous December's daily average)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="power_accounts")
    number = models.CharField(_("power account number"), max_length=32, unique=True)
    baseline_kwh = models.DecimalField(
        _("baseline daily kWh"), max_digits=12, decimal_places=1, null=True, blank=True
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("power account")
        verbose_name_plural = _("power accounts")

    def __str__(self) -> str:
        return self.number


class PowerReading(models.Model):
    """One meter's electricity consumption on one day (kWh), as imported from the grid company. An enterprise
    with several accounts has a reading per account (``meter``, its number; empty when the file gave only the
    credit code); its day's consumption is their sum."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="power_readings")
    meter = models.CharField(_("power account number"), max_length=32, blank=True, default="")
    date = models.DateField(_("date"))
    kwh = models.DecimalField(_("kWh"), max_digits=12, decimal_places=1)
    imported_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "meter", "date"],
                                               name="one_reading_per_meter_and_day")]
        indexes = [models.Index(fields=["date"], name="power_reading_date")]
        verbose_name = _("power reading")
        verbose_name_plural = _("power readings")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.date.isoformat()} {self.kwh}"
