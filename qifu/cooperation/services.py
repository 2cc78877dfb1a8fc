"""Writes of the cooperation platform: one service per state change (keyword-only, ``actor`` first checked
through core.access, validated, written with its event in one transaction; notices sent on commit).

Listings: create (draft or published at once), edit (version-checked; the event keeps old and new values, which
is the listing's history), publish, close, expire (job), remove/restore (moderation). Publishing or editing an
open listing matches it at once and tells both enterprises of strong matches. Matches: express interest, accept
or decline (acceptance opens both contacts), report a deal, broker by hand."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.core import access, events, notify
from qifu.core.errors import Conflict
from qifu.enterprises.models import Enterprise
from qifu.organisations.models import Industry, Region, User

from . import index as match_index
from . import notices, search
from .choices import (
    CONTACT_STATES,
    EDITABLE,
    OPEN,
    TRANSITIONS,
    Kind,
    ListingStatus,
    MatchSource,
    MatchStatus,
)
from .models import Deal, Listing, ListingPhoto, Match

MAX_DESCRIPTION = 4000
PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 9
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "MPO")
THUMBNAIL_SIZE = 320
SUGGESTIONS_KEPT = 10
SYSTEM = "cooperation.expiry"


@dataclass
class ListingInput:
    """A listing as typed on the form or sent to the API."""

    enterprise_id: int
    kind: str
    title: str
    category: str
    region: str
    valid_until: date | None
    contact_name: str
    contact_phone: str
    description: str = ""
    spec: str = ""
    industry: str = ""
    quantity: Any = None
    unit: str = ""
    price_terms: str = ""


EDIT_FIELDS = ("kind", "title", "description", "spec", "category", "industry_id", "quantity", "unit", "price_terms",
               "region_id", "valid_until", "contact_name", "contact_phone")


def _clean(data: ListingInput, *, today: date) -> dict[str, Any]:
    """Validated field values, or a ValidationError with every field's message (nothing is written)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def need(field: str, value: str, limit: int) -> str:
        value = (value or "").strip()
        if not value:
            errors.setdefault(field, []).append(_("This field is required."))
        elif len(value) > limit:
            errors.setdefault(field, []).append(_("At most %(n)d characters.") % {"n": limit})
        return value

    if data.kind not in Kind.values:
        errors["kind"] = [_("Choose supply or demand.")]
    values["kind"] = data.kind
    values["title"] = need("title", data.title, 120)
    values["category"] = need("category", data.category, 60)
    values["contact_name"] = need("contact_name", data.contact_name, 64)
    values["contact_phone"] = need("contact_phone", data.contact_phone, 32)
    if values["contact_phone"] and not re.fullmatch(r"[0-9+\-() ]{5,32}", values["contact_phone"]):
        errors.setdefault("contact_phone", []).append(_("Enter a telephone number (digits, spaces, + and -)."))
    values["description"] = (data.description or "").strip()
    if len(values["description"]) > MAX_DESCRIPTION:
        errors["description"] = [_("At most %(n)d characters.") % {"n": MAX_DESCRIPTION}]
    values["spec"] = (data.spec or "").strip()[:200]
    values["unit"] = (data.unit or "").strip()[:12]
    values["price_terms"] = (data.price_terms or "").strip()[:200]
    code = (data.region or "").strip()
    if not code:
        errors["region"] = [_("This field is required.")]
    elif not Region.objects.filter(code=code).exists():
        errors["region"] = [_("Unknown region code.")]
    values["region_id"] = code
    industry = (data.industry or "").strip()
    if industry and not Industry.objects.filter(code=industry).exists():
        errors["industry"] = [_("Unknown industry code.")]
    values["industry_id"] = industry or None
    quantity = data.quantity
    if quantity in (None, ""):
        values["quantity"] = None
    else:
        try:
            values["quantity"] = Decimal(str(quantity)).quantize(Decimal("0.01"))
            if values["quantity"] <= 0 or values["quantity"] >= Decimal("1e12"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["quantity"] = [_("Enter a positive number.")]
            values["quantity"] = None
    if values.get("quantity") is not None and not values["unit"]:
        errors["unit"] = [_("Give the unit of the quantity.")]
    if data.valid_until is None:
        errors["valid_until"] = [_("This field is required.")]
    elif data.valid_until < today:
        errors["valid_until"] = [_("The date is in the past.")]
    values["valid_until"] = data.valid_until
    if errors:
        raise ValidationError(errors)
    return values


def _search_columns(values: dict[str, Any]) -> dict[str, str]:
    return {"search_title": search.document(values.get("title") or "", values.get("spec") or ""),
            "search_body": search.document(values.get("description") or "", values.get("category") or "")}


def _lock(listing_id: int, actor: User, action: str = access.CHANGE) -> Listing:
    """The listing, locked, if the actor may ``action`` it (404 when unseen, 403 when only seen)."""
    listing = access.get_or_404(Listing, actor, access.VIEW, pk=listing_id)
    if action != access.VIEW:
        access.require(actor, action, listing)
    return Listing.objects.select_for_update().select_related("enterprise").get(pk=listing.pk)


def _move(listing: Listing, action: str, *, actor: User | None, now: datetime, system: str = "",
          **data: Any) -> None:
    sources, target = TRANSITIONS[action]
    if listing.status not in sources:
        raise Conflict(_("This listing cannot be changed that way in its current state."))
    old = listing.status
    listing.status = target
    if target == ListingStatus.PUBLISHED and listing.published_at is None:
        listing.published_at = now
    if target in (ListingStatus.CLOSED, ListingStatus.EXPIRED, ListingStatus.REMOVED):
        listing.closed_at = now
    listing.version += 1
    listing.save()
    events.record(f"cooperation.listing_{action}", actor=actor, target=listing, system=system,
                  status={"old": old, "new": target}, **data)
    transaction.on_commit(lambda: match_index.apply(listing))


def listing_create(*, actor: User, data: ListingInput, publish: bool = False, now: datetime | None = None) -> Listing:
    """Post a supply or demand for an enterprise the actor acts for (its contact, its commissioner, its
    district's command center); published at once when ``publish``."""
    now = now or timezone.now()
    enterprise = access.get_or_404(Enterprise, actor, access.VIEW, pk=data.enterprise_id)
    if not access.allowed(actor, access.CHANGE, enterprise):
        raise PermissionDenied
    values = _clean(data, today=timezone.localdate(now))
    with transaction.atomic():
        listing = Listing.objects.create(enterprise=enterprise, created_by=actor, **_search_columns(values),
                                         **values)
        events.record("cooperation.listing_created", actor=actor, target=listing, enterprise=enterprise.pk,
                      **{f: getattr(listing, f) for f in EDIT_FIELDS})
        if publish:
            _move(listing, "publish", actor=actor, now=now)
            match_listing(listing=listing, actor=actor)
    return listing


def listing_update(*, actor: User, listing_id: int, data: ListingInput, version: int | None,
                   now: datetime | None = None) -> Listing:
    """Edit a listing; the event keeps every changed field's old and new value (the edit history)."""
    now = now or timezone.now()
    with transaction.atomic():
        listing = _lock(listing_id, actor)
        if version is not None and version != listing.version:
            raise Conflict(_("Someone changed this listing meanwhile; reload and try again."),
                           current_version=listing.version)
        if listing.status not in EDITABLE:
            raise Conflict(_("A closed, expired or removed listing cannot be edited."))
        values = _clean(data, today=timezone.localdate(now))
        changes = events.diff(listing, values)
        if not changes:
            return listing
        for field, value in values.items():
            setattr(listing, field, value)
        for field, words in _search_columns(values).items():
            setattr(listing, field, words)
        listing.version += 1
        listing.save()
        events.record("cooperation.listing_edited", actor=actor, target=listing, changes=changes)
        transaction.on_commit(lambda: match_index.apply(listing))
        if listing.status in OPEN:
            match_listing(listing=listing, actor=actor)
    return listing


def listing_act(*, actor: User, listing_id: int, action: str, note: str = "", now: datetime | None = None) -> Listing:
    """publish or close (the enterprise's side), remove or restore (administrators: moderation)."""
    now = now or timezone.now()
    if action not in ("publish", "close", "remove", "restore"):
        raise ValidationError({"action": [_("Unknown action.")]})
    with transaction.atomic():
        if action in ("remove", "restore"):
            if not access.can(actor, "cooperation.moderate"):
                access.get_or_404(Listing, actor, access.VIEW, pk=listing_id)
                raise PermissionDenied
            listing = _lock(listing_id, actor, access.VIEW)
            listing.moderation_note = note.strip()[:200]
            _move(listing, action, actor=actor, now=now, note=listing.moderation_note)
        else:
            listing = _lock(listing_id, actor)
            if action == "publish" and listing.valid_until < timezone.localdate(now):
                raise ValidationError({"valid_until": [_("The date is in the past.")]})
            _move(listing, action, actor=actor, now=now)
        if listing.status in OPEN:
            match_listing(listing=listing, actor=actor)
    return listing


def listings_expire(*, today: date | None = None, now: datetime | None = None) -> int:
    """Expire open listings whose validity ended (the daily job; idempotent, one transaction per listing)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    count = 0
    for pk in Listing.objects.filter(status__in=OPEN, valid_until__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            listing = Listing.objects.select_for_update().get(pk=pk)
            if listing.status in OPEN and listing.valid_until < today:
                _move(listing, "expire", actor=None, now=now, system=SYSTEM)
                count += 1
    return count


def _read_photo(file: Any) -> tuple[Any, ContentFile]:
    """The uploaded image decoded by Pillow and its thumbnail (JPEG), or a ValidationError: not an image, a
    format other than JPEG/PNG/WebP/GIF, more than MAX_PHOTO_PIXELS pixels (decompression bombs included)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    def refuse(message: str) -> ValidationError:
        return ValidationError({"file": [message]})

    try:
        file.seek(0)
        with Image.open(file) as probe:
            fmt = probe.format
            if fmt not in PHOTO_FORMATS:
                raise refuse(_("Upload a photo (JPEG, PNG, WebP or GIF)."))
            if probe.width * probe.height > MAX_PHOTO_PIXELS:
                raise refuse(_("The photo has more than %(n)d million pixels.") % {"n": MAX_PHOTO_PIXELS // 10**6})
            probe.verify()
        file.seek(0)
        with Image.open(file) as image:
            image.seek(0)
            picture = ImageOps.exif_transpose(image.convert("RGB"))
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise refuse(_("The file is not a readable image.")) from exc
    size = picture.size
    picture.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=82, optimize=True)
    file.seek(0)
    return size, ContentFile(buffer.getvalue())


def photo_add(*, actor: User, listing_id: int, file: Any) -> ListingPhoto:
    """Add a photo to a listing (JPEG, PNG, WebP or GIF, at most 10 MB and 40 million pixels, at most 9 per
    listing) with its thumbnail; anything else is refused with the reason and nothing is stored."""
    with transaction.atomic():
        listing = _lock(listing_id, actor)
        name = (getattr(file, "name", "") or "").rsplit("/", 1)[-1][:200]
        if not name.lower().endswith(PHOTO_TYPES):
            raise ValidationError({"file": [_("Upload a photo (JPEG, PNG, WebP or GIF).")]})
        if (getattr(file, "size", 0) or 0) > MAX_PHOTO_BYTES:
            raise ValidationError({"file": [_("The photo is larger than 10 MB.")]})
        if listing.photos.count() >= MAX_PHOTOS:
            raise ValidationError({"file": [_("A listing has at most 9 photos.")]})
        (width, height), thumb = _read_photo(file)
        photo = ListingPhoto(listing=listing, name=name, uploaded_by=actor, width=width, height=height)
        photo.file.save(name, file, save=False)
        photo.thumbnail.save(name.rsplit(".", 1)[0] + ".jpg", thumb, save=False)
        photo.save()
        events.record("cooperation.photo_added", actor=actor, target=listing, photo=photo.pk, name=name)
    return photo


# --- matching ---------------------------------------------------------------------------------------------


def _listing_link(listing: Listing) -> str:
    return reverse("cooperation-detail", args=[listing.pk])


def _enterprise_users(enterprise_ids: set[int]) -> dict[int, list[User]]:
    """Who hears about an enterprise's listings: its contacts with a login and its commissioner."""
    from qifu.enterprises.models import CommissionerAssignment, EnterpriseContact

    out: dict[int, list[User]] = {e: [] for e in enterprise_ids}
    for c in EnterpriseContact.objects.filter(enterprise_id__in=enterprise_ids, user__isnull=False).select_related(
            "user"):
        out[c.enterprise_id].append(c.user)
    for a in CommissionerAssignment.objects.filter(enterprise_id__in=enterprise_ids, ended_at__isnull=True) \
            .select_related("commissioner"):
        out[a.enterprise_id].append(a.commissioner)
    return out


def match_listing(*, listing: Listing, actor: User | None) -> list[Match]:
    """Match an open listing at once: store its best suggestions and tell both enterprises of strong ones.
    Runs inside the caller's transaction (the notices go out on commit)."""
    suggestions = match_index.suggest(listing, SUGGESTIONS_KEPT)
    others = {o.pk: o for o in Listing.objects.filter(pk__in=[s.id for s in suggestions], status__in=OPEN)
              .select_related("enterprise")}
    created: list[Match] = []
    strong_pairs: list[tuple[Match, Listing]] = []
    for s in suggestions:
        other = others.get(s.id)
        if other is None or other.enterprise_id == listing.enterprise_id:
            continue
        demand, supply = (listing, other) if listing.kind == Kind.DEMAND else (other, listing)
        reasons = [{"code": c, **p} for c, p in s.reasons()]
        match, was_created = Match.objects.get_or_create(
            demand=demand, supply=supply,
            defaults={"score": round(s.score, 4), "strong": s.strong, "reasons": reasons, "category": demand.category,
                      "region_id": demand.region_id})
        if not was_created:
            if match.status == MatchStatus.SUGGESTED and abs(match.score - s.score) > 1e-4:
                Match.objects.filter(pk=match.pk).update(score=round(s.score, 4), strong=s.strong, reasons=reasons)
            continue
        created.append(match)
        if s.strong:
            strong_pairs.append((match, other))
    if created:
        events.record("cooperation.matched", actor=actor, target=listing, matches=[m.pk for m in created],
                      strong=[m.pk for m, _o in strong_pairs])
    if strong_pairs:
        users = _enterprise_users({listing.enterprise_id} | {o.enterprise_id for _m, o in strong_pairs})
        for match, other in strong_pairs:
            for mine, theirs in ((listing, other), (other, listing)):
                notify.notify(recipients=users.get(mine.enterprise_id, []), code=notices.STRONG_MATCH,
                              params={"title": mine.title, "other": theirs.title,
                                      "enterprise": theirs.enterprise.name, "score": f"{match.score:.2f}"},
                              link=_listing_link(mine), dedup_key=f"cooperation.strong:{match.pk}:{mine.pk}")
    return created


def _side_of(actor: User, match: Match) -> str | None:
    """Which side the actor acts for: "demand", "supply", or None (an administrator acts for both)."""
    demand_ok = access.allowed(actor, access.CHANGE, match.demand.enterprise)
    supply_ok = access.allowed(actor, access.CHANGE, match.supply.enterprise)
    if demand_ok and not supply_ok:
        return Kind.DEMAND
    if supply_ok and not demand_ok:
        return Kind.SUPPLY
    return "both" if demand_ok else None


def _lock_match(match_id: int, actor: User) -> Match:
    access.get_or_404(Match, actor, access.VIEW, pk=match_id)
    return Match.objects.select_for_update().select_related("demand__enterprise", "supply__enterprise") \
        .get(pk=match_id)


def interest_express(*, actor: User, match_id: int, now: datetime | None = None) -> Match:
    """One side says it wants to talk; the other side is asked to accept or decline."""
    now = now or timezone.now()
    with transaction.atomic():
        match = _lock_match(match_id, actor)
        side = _side_of(actor, match)
        if side is None:
            raise PermissionDenied
        if match.status != MatchStatus.SUGGESTED:
            raise Conflict(_("Interest was already expressed for this match."))
        if match.demand.status not in OPEN or match.supply.status not in OPEN:
            raise Conflict(_("One of the two listings is no longer open."))
        side = Kind.DEMAND if side == "both" else side
        match.status, match.interest_kind, match.interest_at = MatchStatus.INTERESTED, side, now
        match.save()
        events.record("cooperation.interest", actor=actor, target=match, side=side)
        mine, theirs = (match.demand, match.supply) if side == Kind.DEMAND else (match.supply, match.demand)
        users = _enterprise_users({theirs.enterprise_id})
        notify.notify(recipients=users[theirs.enterprise_id], code=notices.INTEREST,
                      params={"enterprise": mine.enterprise.name, "title": theirs.title},
                      link=reverse("cooperation-matches"), dedup_key=f"cooperation.interest:{match.pk}")
    return match


def interest_answer(*, actor: User, match_id: int, accept: bool, now: datetime | None = None) -> Match:
    """The side asked accepts (both then see each other's contact) or declines."""
    now = now or timezone.now()
    with transaction.atomic():
        match = _lock_match(match_id, actor)
        side = _side_of(actor, match)
        if match.status != MatchStatus.INTERESTED:
            raise Conflict(_("There is no pending interest to answer."))
        asked = Kind.SUPPLY if match.interest_kind == Kind.DEMAND else Kind.DEMAND
        if side not in (asked, "both"):
            raise PermissionDenied
        match.status = MatchStatus.ACCEPTED if accept else MatchStatus.DECLINED
        match.answered_at = now
        match.save()
        events.record("cooperation.accepted" if accept else "cooperation.declined", actor=actor, target=match)
        if accept:
            for listing in (match.demand, match.supply):
                if listing.status == ListingStatus.PUBLISHED:
                    _move(listing, "matched", actor=actor, now=now, match=match.pk)
        answering, asking = (match.supply, match.demand) if asked == Kind.SUPPLY else (match.demand, match.supply)
        users = _enterprise_users({asking.enterprise_id})
        notify.notify(recipients=users[asking.enterprise_id],
                      code=notices.ACCEPTED if accept else notices.DECLINED,
                      params={"enterprise": answering.enterprise.name, "title": asking.title},
                      link=reverse("cooperation-matches"), dedup_key=f"cooperation.answer:{match.pk}")
    return match


def deal_report(*, actor: User, match_id: int, quantity: Any, value: Any, note: str = "",
                now: datetime | None = None) -> Deal:
    """Either side reports the deal it closed after exchanging contacts (quantity and value in yuan)."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    amounts: dict[str, Decimal] = {}
    for field, raw in (("quantity", quantity), ("value", value)):
        try:
            amounts[field] = Decimal(str(raw)).quantize(Decimal("0.01"))
            if amounts[field] < 0 or amounts[field] >= Decimal("1e13"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors[field] = [_("Enter a number that is not negative.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        match = _lock_match(match_id, actor)
        if _side_of(actor, match) is None:
            raise PermissionDenied
        if match.status != MatchStatus.ACCEPTED:
            raise Conflict(_("A deal can be reported only after both sides exchanged contacts, and only once."))
        deal = Deal.objects.create(match=match, quantity=amounts["quantity"], value=amounts["value"],
                                   note=(note or "").strip()[:200], reported_by=actor, reported_at=now)
        match.status = MatchStatus.DEAL
        match.save()
        events.record("cooperation.deal", actor=actor, target=match, quantity=deal.quantity, value=deal.value)
    return deal


def match_broker(*, actor: User, demand_id: int, supply_id: int) -> Match:
    """A commissioner (or command center, administrator) puts a demand and a supply together by hand; at least
    one side must be an enterprise the actor acts for. Both sides are told."""
    if not access.can(actor, "cooperation.broker"):
        raise PermissionDenied
    with transaction.atomic():
        demand = access.get_or_404(Listing, actor, access.VIEW, pk=demand_id)
        supply = access.get_or_404(Listing, actor, access.VIEW, pk=supply_id)
        if demand.kind != Kind.DEMAND or supply.kind != Kind.SUPPLY:
            raise ValidationError({"__all__": [_("Pair a demand with a supply.")]})
        if demand.status not in OPEN or supply.status not in OPEN:
            raise ValidationError({"__all__": [_("Both listings must be open.")]})
        if demand.enterprise_id == supply.enterprise_id:
            raise ValidationError({"__all__": [_("Both listings belong to the same enterprise.")]})
        if not (access.allowed(actor, access.CHANGE, demand.enterprise)
                or access.allowed(actor, access.CHANGE, supply.enterprise)):
            raise PermissionDenied
        if Match.objects.filter(demand=demand, supply=supply).exists():
            raise Conflict(_("These two listings are already matched."))
        match = Match.objects.create(demand=demand, supply=supply, score=1.0, strong=True, source=MatchSource.BROKER,
                                     brokered_by=actor, reasons=[{"code": "brokered"}], category=demand.category,
                                     region_id=demand.region_id)
        events.record("cooperation.brokered", actor=actor, target=match, demand=demand.pk, supply=supply.pk)
        users = _enterprise_users({demand.enterprise_id, supply.enterprise_id})
        for mine, theirs in ((demand, supply), (supply, demand)):
            notify.notify(recipients=users[mine.enterprise_id], code=notices.BROKERED,
                          params={"title": mine.title, "other": theirs.title, "enterprise": theirs.enterprise.name},
                          link=reverse("cooperation-matches"), dedup_key=f"cooperation.brokered:{match.pk}:{mine.pk}")
    return match


def contact_visible(user: User, listing: Listing) -> bool:
    """The contact of a listing shows to its own side (and administrators), and to the other side of a match
    whose contact was accepted — never before."""
    if access.allowed(user, access.CHANGE, listing):
        return True
    mine = access.restrict(Listing.objects.all(), user, access.CHANGE).values("pk")
    return Match.objects.filter(status__in=CONTACT_STATES).filter(
        Q(demand=listing, supply__in=mine) | Q(supply=listing, demand__in=mine)).exists()
