"""API of the cooperation platform (the mini-program's back end): listings with search and highlighted hits,
their suggestions, brokered contact (interest → accept/decline → deal), by-hand brokering, figures."""

# No "from __future__ import annotations": ninja reads the annotations at import time.
import datetime as dt
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from qifu.core import access
from qifu.organisations.api import MAX_PAGE_SIZE, PAGE_SIZE, auth_user

from . import selectors, services
from .models import Listing, ListingPhoto, Match
from .schemas import ActionIn, BrokerIn, DealIn, ListingIn, ListingOut, ListingPatchIn, MatchOut
from .views import reason_texts

router = Router(tags=["cooperation"])
API_PREFIX = "/api/v1/cooperation"


class SearchIn(Schema):
    q: str = ""
    kind: str = ""
    category: str = ""
    region: str = ""
    valid_on: dt.date | None = None
    mine: bool = False
    status: str = Field("", description="draft, published, matched, closed, expired or removed (as far as one "
                        "sees them: own listings; removed ones for administrators); empty: open listings")


def _listing_out(user: Any, x: Listing, q: str = "") -> dict[str, Any]:
    contact = services.contact_visible(user, x)
    out = {
        "id": x.pk, "enterprise_id": x.enterprise_id, "enterprise_name": x.enterprise.name, "kind": x.kind,
        "status": x.status, "title": x.title, "description": x.description, "spec": x.spec, "category": x.category,
        "industry_code": x.industry_id, "quantity": x.quantity, "unit": x.unit, "price_terms": x.price_terms,
        "region_code": x.region_id, "region_name": x.region.full_name, "valid_until": x.valid_until,
        "published_at": x.published_at, "version": x.version,
        "contact_name": x.contact_name if contact else None, "contact_phone": x.contact_phone if contact else None,
        "photos": [p.pk for p in x.photos.all()],
        "photo_items": [{"id": p.pk, "name": p.name, "width": p.width, "height": p.height,
                         "url": f"{API_PREFIX}/photos/{p.pk}",
                         "thumbnail_url": f"{API_PREFIX}/photos/{p.pk}/thumbnail" if p.thumbnail else None}
                        for p in x.photos.all()],
    }
    if q:
        out["highlight"] = {"title": str(selectors.highlight(x.title, q)),
                            "snippet": str(selectors.highlight((x.spec + " " + x.description)[:200], q))}
    return out


def _match_out(user: Any, m: Match) -> dict[str, Any]:
    deal = getattr(m, "deal", None) if m.status == "deal" else None
    return {
        "id": m.pk, "demand_id": m.demand_id, "supply_id": m.supply_id, "demand_title": m.demand.title,
        "supply_title": m.supply.title, "demand_enterprise": m.demand.enterprise.name,
        "supply_enterprise": m.supply.enterprise.name, "score": m.score, "strong": m.strong, "source": m.source,
        "status": m.status, "interest_kind": m.interest_kind, "reasons": m.reasons,
        "reason_texts": reason_texts(m.reasons),
        "demand_contact": {"name": m.demand.contact_name, "phone": m.demand.contact_phone}
        if services.contact_visible(user, m.demand) else None,
        "supply_contact": {"name": m.supply.contact_name, "phone": m.supply.contact_phone}
        if services.contact_visible(user, m.supply) else None,
        "deal": {"quantity": str(deal.quantity), "value": str(deal.value), "note": deal.note} if deal else None,
    }


@router.get("/listings", response=list[ListingOut], summary="Search open listings (full text over title, "
            "description and specification, with highlighted hits); mine=true adds one's own in any state")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def listing_list(request: HttpRequest, filters: SearchIn = Query(...)) -> list[dict[str, Any]]:  # noqa: B008
    user = auth_user(request)
    qs = selectors.listing_search(user=user, q=filters.q, kind=filters.kind, category=filters.category,
                                  region=filters.region, valid_on=filters.valid_on, include_own=filters.mine,
                                  status=filters.status)
    return [_listing_out(user, x, filters.q) for x in qs.prefetch_related("photos")[:1000]]


@router.post("/listings", response={201: ListingOut}, summary="Post a supply or demand for an enterprise")
def listing_create(request: HttpRequest, payload: ListingIn) -> Any:
    user = auth_user(request)
    data = payload.model_dump()
    publish = data.pop("publish")
    listing = services.listing_create(actor=user, data=services.ListingInput(**data), publish=publish)
    return Status(201, _listing_out(user, selectors.listing_get(user=user, pk=listing.pk)))


@router.get("/listings/{listing_id}", response=ListingOut, summary="One listing (contact only once agreed)")
def listing_get(request: HttpRequest, listing_id: int) -> Any:
    user = auth_user(request)
    return _listing_out(user, selectors.listing_get(user=user, pk=listing_id))


@router.patch("/listings/{listing_id}", response=ListingOut, summary="Edit a listing (history is kept)")
def listing_patch(request: HttpRequest, listing_id: int, payload: ListingPatchIn) -> Any:
    user = auth_user(request)
    listing = access.get_or_404(Listing, user, access.CHANGE, pk=listing_id)
    current = {"kind": listing.kind, "title": listing.title, "category": listing.category,
               "region": listing.region_id, "valid_until": listing.valid_until, "contact_name": listing.contact_name,
               "contact_phone": listing.contact_phone, "description": listing.description, "spec": listing.spec,
               "industry": listing.industry_id or "", "quantity": listing.quantity, "unit": listing.unit,
               "price_terms": listing.price_terms}
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    current.update({k: ("" if v is None and k not in ("quantity", "valid_until") else v) for k, v in changes.items()})
    services.listing_update(actor=user, listing_id=listing.pk, version=version,
                            data=services.ListingInput(enterprise_id=listing.enterprise_id, **current))
    return _listing_out(user, selectors.listing_get(user=user, pk=listing.pk))


@router.post("/listings/{listing_id}/actions/{action}", response=ListingOut,
             summary="publish or close (the enterprise's side); remove or restore (moderation)")
def listing_act(request: HttpRequest, listing_id: int, action: str, payload: ActionIn | None = None) -> Any:
    user = auth_user(request)
    services.listing_act(actor=user, listing_id=listing_id, action=action, note=payload.note if payload else "")
    return _listing_out(user, selectors.listing_get(user=user, pk=listing_id))


@router.post("/listings/{listing_id}/photos", response={201: dict[str, int]}, summary="Add a photo")
def photo_add(request: HttpRequest, listing_id: int, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    photo = services.photo_add(actor=auth_user(request), listing_id=listing_id, file=file)
    return Status(201, {"id": photo.pk})


@router.get("/photos/{photo_id}", summary="A listing photo as uploaded (for those who see the listing)")
def photo_file(request: HttpRequest, photo_id: int) -> Any:
    photo = access.get_or_404(ListingPhoto, auth_user(request), access.VIEW, pk=photo_id)
    return FileResponse(photo.file.open("rb"), filename=photo.name)


@router.get("/photos/{photo_id}/thumbnail", summary="A listing photo's thumbnail (JPEG, at most 320 px)")
def photo_thumbnail(request: HttpRequest, photo_id: int) -> Any:
    photo = access.get_or_404(ListingPhoto, auth_user(request), access.VIEW, pk=photo_id)
    if not photo.thumbnail:
        raise Http404
    return FileResponse(photo.thumbnail.open("rb"), content_type="image/jpeg")


@router.get("/listings/{listing_id}/matches", response=list[MatchOut],
            summary="The listing's suggestions and matches, best first, each with why")
def listing_matches(request: HttpRequest, listing_id: int) -> Any:
    user = auth_user(request)
    listing = selectors.listing_get(user=user, pk=listing_id)
    return [_match_out(user, m) for m in selectors.listing_matches(user=user, listing=listing)[:50]]


@router.get("/matches", response=list[MatchOut], summary="Matches and deals of the enterprises one acts for "
            "or oversees")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def match_list(request: HttpRequest, status: str = "") -> Any:
    user = auth_user(request)
    return [_match_out(user, m) for m in selectors.my_matches(user=user, status=status)[:1000]]


@router.post("/matches/{match_id}/interest", response=MatchOut, summary="Express interest (one side)")
def interest(request: HttpRequest, match_id: int) -> Any:
    user = auth_user(request)
    m = services.interest_express(actor=user, match_id=match_id)
    return _match_out(user, m)


@router.post("/matches/{match_id}/accept", response=MatchOut, summary="Accept: both sides get the contacts")
def accept(request: HttpRequest, match_id: int) -> Any:
    user = auth_user(request)
    return _match_out(user, services.interest_answer(actor=user, match_id=match_id, accept=True))


@router.post("/matches/{match_id}/decline", response=MatchOut, summary="Decline the other side's interest")
def decline(request: HttpRequest, match_id: int) -> Any:
    user = auth_user(request)
    return _match_out(user, services.interest_answer(actor=user, match_id=match_id, accept=False))


@router.post("/matches/{match_id}/deal", response={201: MatchOut}, summary="Report the deal (quantity, value)")
def deal(request: HttpRequest, match_id: int, payload: DealIn) -> Any:
    user = auth_user(request)
    services.deal_report(actor=user, match_id=match_id, quantity=payload.quantity, value=payload.value,
                         note=payload.note)
    m = Match.objects.select_related("demand__enterprise", "supply__enterprise", "deal").get(pk=match_id)
    return Status(201, _match_out(user, m))


@router.post("/matches", response={201: MatchOut}, summary="Broker a demand and a supply by hand")
def broker(request: HttpRequest, payload: BrokerIn) -> Any:
    user = auth_user(request)
    m = services.match_broker(actor=user, demand_id=payload.demand_id, supply_id=payload.supply_id)
    return Status(201, _match_out(user, m))


@router.get("/figures", summary="Listings, matches, contacts and deals by category, region and week; unmet demands")
def figures(request: HttpRequest) -> Any:
    user = auth_user(request)
    if not access.can(user, "cooperation.figures"):
        raise PermissionDenied
    data = selectors.figures(user=user)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))  # decimals as strings, dates ISO
