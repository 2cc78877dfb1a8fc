"""Reference data (regions, industries) and the organisation: units, sections, users and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qifu.core.querysets import RestrictedQuerySet

from .choices import CoordinationRole, IndustryLevel, RegionLevel, Role, UnitKind, code_prefix


class Region(models.Model):
    """An administrative division with its GB/T 2260 six-digit code."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    full_name = models.CharField(_("full name"), max_length=128, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.full_name or self.name

    @property
    def code_prefix(self) -> str:
        """The code prefix shared by this region and everything inside it."""
        return code_prefix(self.code, self.level) or ""

    def province_code(self) -> str:
        return self.code[:2] + "0000"

    def prefecture_code(self) -> str:
        return self.code[:4] + "00"


class Industry(models.Model):
    """A GB/T 4754-2017 section (门类, letter) or division (大类, two digits)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=128)
    level = models.PositiveSmallIntegerField(_("level"), choices=IndustryLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Unit(models.Model):
    """A government unit: command center, task force, department, work team, bureau."""

    name = models.CharField(_("name"), max_length=128)
    short_name = models.CharField(_("short name"), max_length=32, blank=True)
    code = models.SlugField(
        _("code"), max_length=32, unique=True, help_text=_("Short stable code, used in ledger numbers.")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units", verbose_name=_("region"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    domain = models.CharField(
        _("domain"), max_length=128, blank=True, help_text=_("What a task force or department covers.")
    )
    coordination_role = models.CharField(
        _("coordination role"),
        max_length=32,
        choices=CoordinationRole.choices,
        blank=True,
        default="",
        help_text=_("What this unit coordinates for its region; at most one active unit per region holds each role."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            # The services and the admin refuse a second holder with a field error first; this closes the race.
            models.UniqueConstraint(
                fields=["region", "coordination_role"],
                condition=models.Q(is_active=True) & ~models.Q(coordination_role=""),
                name="unit_unique_coordination_role",
                violation_error_message=_("Another active unit of this region already holds this coordination role."),
            )
        ]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    """A section (科室) inside a unit."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="sections", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=128)

    class Meta:
        ordering = ["unit_id", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="section_unique_name_in_unit")]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return f"{self.unit.short_name or self.unit.name} · {self.name}"


class QifuUserManager(UserManager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    """User manager whose querysets can be restricted per viewer."""


class User(AbstractUser):
    """A person who logs in: an official in a unit or an enterprise's contact."""

    full_name = models.CharField(pgettext_lazy("person", "full name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("unit")
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("section"),
    )
    title = models.CharField(_("job title"), max_length=64, blank=True)

    objects = QifuUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def role_set(self) -> set[str]:
        """The roles this user holds (cached per instance)."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = {g.role for g in self.role_grants.all()}
            if self.is_superuser:
                cached.add(Role.ADMINISTRATOR)
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set() & set(roles))

    def grant_units(self, role: str) -> list[int]:
        """Ids of the units this user holds ``role`` for."""
        return [g.unit_id for g in self.role_grants.all() if g.role == role and g.unit_id]


class RoleGrant(models.Model):
    """A role held by a user, in a unit where the role is scoped by unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="role_grants", verbose_name=_("unit")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"], condition=models.Q(unit__isnull=False), name="rolegrant_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(unit__isnull=True), name="rolegrant_unique_unitless"
            ),
        ]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
