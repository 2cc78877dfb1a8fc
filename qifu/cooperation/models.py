"""Industrial cooperation platform (产业合作平台): supply and demand listings, their photos, matches between a
demand and a supply (suggested by the engine or brokered by hand, then interest → accepted/declined) and deals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qifu.core.querysets import RestrictedQuerySet
from qifu.enterprises.models import Enterprise
from qifu.organisations.models import Industry, Region

from .choices import Kind, ListingStatus, MatchSource, MatchStatus
from .storage import private_photos

USER = settings.AUTH_USER_MODEL


class Listing(models.Model):
    """An enterprise's supply (products, materials, spare capacity, logistics, services) or demand."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="listings",
                                   verbose_name=_("enterprise"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=ListingStatus.choices, default=ListingStatus.DRAFT)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    spec = models.CharField(_("specification or part number"), max_length=200, blank=True)
    category = models.CharField(_("product category"), max_length=60)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("industry"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=12, blank=True)
    price_terms = models.CharField(_("price terms"), max_length=200, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    valid_until = models.DateField(_("valid until"))
    contact_name = models.CharField(_("contact person"), max_length=64)
    contact_phone = models.CharField(_("contact phone"), max_length=32)
    # the words search reads (search.py: CJK characters and bigrams, ASCII words), indexed by the database:
    # FTS5 on SQLite, a generated tsvector column with a GIN index on PostgreSQL
    search_title = models.TextField(editable=False, default="")  # title and specification
    search_body = models.TextField(editable=False, default="")  # description and category
    moderation_note = models.CharField(_("moderation note"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "kind", "-published_at"], name="listing_status_kind"),
            models.Index(fields=["enterprise", "status"], name="listing_enterprise"),
            models.Index(fields=["status", "valid_until"], name="listing_validity"),
        ]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")

    def __str__(self) -> str:
        return self.title


class ListingPhoto(models.Model):
    """A photo of the product or capacity on offer."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="cooperation/%Y/%m/", storage=private_photos)
    # a JPEG at most THUMBNAIL_SIZE on its longer side, made when the photo is uploaded
    thumbnail = models.FileField(upload_to="cooperation/thumbs/%Y/%m/", storage=private_photos, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class Match(models.Model):
    """A demand and a supply put together, with the score and reasons; the brokered contact's state."""

    demand = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="supply_matches")
    supply = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="demand_matches")
    score = models.FloatField(_("score"))
    strong = models.BooleanField(default=False)
    reasons = models.JSONField(default=list)
    source = models.CharField(max_length=8, choices=MatchSource.choices, default=MatchSource.ENGINE)
    status = models.CharField(_("status"), max_length=12, choices=MatchStatus.choices, default=MatchStatus.SUGGESTED)
    interest_kind = models.CharField(max_length=8, blank=True)  # which side expressed interest (supply|demand)
    interest_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    brokered_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # copies for the figures (category, region, week) without joining both listings
    category = models.CharField(max_length=60, default="")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", null=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "-id"]
        constraints = [models.UniqueConstraint(fields=["demand", "supply"], name="one_match_per_pair")]
        indexes = [models.Index(fields=["status", "created_at"], name="match_status_created")]
        verbose_name = _("match")
        verbose_name_plural = _("matches")

    def __str__(self) -> str:
        return f"{self.demand_id}↔{self.supply_id}"


class Deal(models.Model):
    """A deal the two sides report after exchanging contacts."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="deal")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    value = models.DecimalField(_("value (yuan)"), max_digits=16, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")

    def __str__(self) -> str:
        return f"{self.match_id} {self.value}"
