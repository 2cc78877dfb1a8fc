"""Enterprises, their contacts, and the commissioner serving each (一户一专员)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qifu.core.querysets import RestrictedQuerySet
from qifu.organisations.models import Industry, Region


class Enterprise(models.Model):
    """An enterprise identified by its unified social credit code (GB 32100-2015)."""

    name = models.CharField(_("name"), max_length=128, db_index=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("region"))
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("industry")
    )
    above_scale = models.BooleanField(_("above designated size"), default=False, db_index=True)
    key_enterprise = models.BooleanField(_("key enterprise"), default=False, db_index=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    # 产值: the annual output value in 10,000 yuan (万元), as the statistics offices report it; empty = unknown.
    annual_output = models.DecimalField(_("annual output (10,000 yuan)"), max_digits=14, decimal_places=1,
                                        null=True, blank=True)
    # Enterprises outside the platform's jurisdiction (e.g. out-of-province suppliers).
    is_external = models.BooleanField(_("outside jurisdiction"), default=False)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every change.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["region", "industry"], name="enterprise_region_industry")]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name

    @property
    def active_assignment(self) -> CommissionerAssignment | None:
        """The current commissioner assignment (uses prefetched ``current_assignments`` if present)."""
        prefetched = getattr(self, "current_assignments", None)
        if prefetched is not None:
            return prefetched[0] if prefetched else None
        return self.commissioner_assignments.filter(ended_at__isnull=True).select_related("commissioner").first()

    @property
    def commissioner(self):  # type: ignore[no-untyped-def]
        a = self.active_assignment
        return a.commissioner if a else None


class EnterpriseContact(models.Model):
    """A person at the enterprise; with a user account they are its 企业联系人 in the system."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=64)
    position = models.CharField(_("position"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enterprise_contacts",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "user"], condition=models.Q(user__isnull=False), name="contact_user_once"
            )
        ]
        verbose_name = _("enterprise contact")
        verbose_name_plural = _("enterprise contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.enterprise})"


class CommissionerAssignment(models.Model):
    """One period during which a commissioner serves an enterprise; at most one is open per enterprise."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="commissioner_assignments")
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commissioner_assignments"
    )
    started_at = models.DateTimeField(_("since"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(ended_at__isnull=True),
                name="one_active_commissioner_per_enterprise",
            )
        ]
        indexes = [models.Index(fields=["commissioner", "ended_at"], name="assignment_commissioner_idx")]
        verbose_name = _("commissioner assignment")
        verbose_name_plural = _("commissioner assignments")

    def __str__(self) -> str:
        return f"{self.commissioner} → {self.enterprise}"
