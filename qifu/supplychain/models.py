"""Supply links between enterprises (multi-tier), and the ledger problems raised for blocking suppliers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qifu.core.querysets import RestrictedQuerySet
from qifu.enterprises.models import Enterprise
from qifu.ledger.models import Problem
from qifu.organisations.models import Unit

from .choices import Level


class SupplyLink(models.Model):
    """``supplier`` delivers ``part`` to ``buyer``; the buyer's stock of it lasts ``stock_days``. A supplier's
    own suppliers are links whose buyer is that supplier (any number of tiers)."""

    buyer = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="supply_links",
                              verbose_name=_("buyer"))
    supplier = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="customer_links",
                                 verbose_name=_("supplier"))
    part = models.CharField(_("parts or materials"), max_length=128)
    critical = models.BooleanField(_("critical"), default=True,
                                   help_text=_("Without it the buyer's production stops."))
    stock_days = models.DecimalField(_("stock (days)"), max_digits=6, decimal_places=1)
    has_alternative = models.BooleanField(_("alternative source"), default=False)
    alternative_lead_days = models.DecimalField(_("alternative lead time (days)"), max_digits=6, decimal_places=1,
                                                null=True, blank=True)
    share = models.PositiveSmallIntegerField(_("share of the buyer's need (%)"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["buyer_id", "supplier_id", "part"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "supplier", "part"], name="supply_link_unique"),
            models.CheckConstraint(condition=~models.Q(buyer=models.F("supplier")), name="supply_link_not_self"),
        ]
        indexes = [models.Index(fields=["supplier"], name="supply_link_supplier")]
        verbose_name = _("supply link")
        verbose_name_plural = _("supply links")

    def __str__(self) -> str:
        return f"{self.supplier_id} → {self.buyer_id}: {self.part}"


class SupplierProblem(models.Model):
    """The ledger problem raised for a plant's blocking supplier, routed to its coordination level."""

    plant = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("plant"))
    supplier = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("supplier"))
    problem = models.OneToOneField(Problem, on_delete=models.CASCADE, related_name="supplier_link")
    level = models.CharField(_("coordination level"), max_length=16, choices=Level.choices)
    # The unit that must coordinate at that level (the provincial economic department for the two upper levels).
    target_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("coordinating unit"))
    days_to_stop = models.DecimalField(_("days to stop when raised"), max_digits=7, decimal_places=1, null=True,
                                       blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["plant", "supplier"], name="supplier_problem_pair")]
        verbose_name = _("supplier problem")
        verbose_name_plural = _("supplier problems")

    def __str__(self) -> str:
        return f"{self.plant_id} ← {self.supplier_id}: {self.problem_id}"
