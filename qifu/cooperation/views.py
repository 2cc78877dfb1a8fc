"""Cooperation pages: search the market, post and edit a listing, its suggestions and contacts, the matches
and deals of one's enterprises, figures. Views parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qifu.core import access
from qifu.core.errors import Conflict
from qifu.core.forms import add_service_errors
from qifu.enterprises.models import Enterprise

from . import io, selectors, services
from .choices import EDITABLE
from .forms import DealForm, ListingForm, PhotoForm, SearchForm
from .models import Listing, ListingPhoto

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

REASON_TEXTS = {
    "shared_terms": lambda p: _("Both mention %(terms)s") % p,
    "similar_meaning": lambda p: _("Similar meaning (%(percent)s%%)") % p,
    "same_category": lambda p: _("Same product category"),
    "related_category": lambda p: _("Related category (%(percent)s%%)") % p,
    "distance": lambda p: _("%(km)s km apart") % p,
    "coverage": lambda p: _("Covers %(percent)s%% of the quantity") % p,
    "ends_earlier": lambda p: _("The supply ends before the demand"),
    "brokered": lambda p: _("Brokered by a commissioner"),
}


def reason_texts(reasons: list[dict[str, Any]]) -> list[str]:
    out = []
    for r in reasons or []:
        fn = REASON_TEXTS.get(r.get("code", ""))
        if fn:
            out.append(fn({k: v for k, v in r.items() if k != "code"}))
    return out


@login_required
@require_GET
def listing_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.listing_search(user=request.user, q=data.get("q") or "", kind=data.get("kind") or "",
                                  category=data.get("category") or "", region=data.get("region") or "",
                                  valid_on=data.get("valid_on"), status=data.get("status") or "") \
        .prefetch_related("photos")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    q = data.get("q") or ""
    rows = [{"listing": x, "title": selectors.highlight(x.title, q), "photo": next(iter(x.photos.all()), None),
             "snippet": selectors.highlight((x.spec + " " + x.description)[:160], q)} for x in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    mine = access.restrict(Enterprise.objects.all(), request.user, access.CHANGE).order_by("name")[:20]
    return render(request, "cooperation/list.html", {"form": form, "page": page, "rows": rows,
                                                     "query": query.urlencode(), "my_enterprises": mine})


def _input(d: dict[str, Any], enterprise_id: int) -> services.ListingInput:
    return services.ListingInput(
        enterprise_id=enterprise_id, kind=d["kind"], title=d["title"], category=d["category"], region=d["region"],
        valid_until=d["valid_until"], contact_name=d["contact_name"], contact_phone=d["contact_phone"],
        description=d.get("description") or "", spec=d.get("spec") or "", industry=d.get("industry") or "",
        quantity=d.get("quantity") or None, unit=d.get("unit") or "", price_terms=d.get("price_terms") or "")


@login_required
@require_http_methods(["GET", "POST"])
def listing_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access.get_or_404(Enterprise, request.user, access.CHANGE, pk=pk)
    contact = enterprise.contacts.order_by("-is_primary").first()
    initial = {"region": enterprise.region_id, "industry": enterprise.industry_id,
               "contact_name": contact.name if contact else "", "contact_phone": contact.phone if contact else "",
               "kind": request.GET.get("kind") or "demand"}
    form = ListingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(actor=request.user, data=_input(form.cleaned_data, enterprise.pk),
                                              publish="publish" in request.POST)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Listing saved."))
            return redirect("cooperation-detail", listing.pk)
    return render(request, "cooperation/form.html", {"form": form, "enterprise": enterprise, "listing": None})


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    listing = access.get_or_404(Listing, request.user, access.CHANGE, pk=pk)
    initial = {f: getattr(listing, f) for f in ("kind", "title", "category", "description", "spec", "unit",
                                                 "price_terms", "valid_until", "contact_name", "contact_phone",
                                                 "version")}
    initial.update(region=listing.region_id, industry=listing.industry_id or "",
                   quantity="" if listing.quantity is None else listing.quantity)
    form = ListingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.listing_update(actor=request.user, listing_id=listing.pk,
                                    data=_input(form.cleaned_data, listing.enterprise_id),
                                    version=form.cleaned_data.get("version"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Listing saved."))
            return redirect("cooperation-detail", listing.pk)
    return render(request, "cooperation/form.html", {"form": form, "enterprise": listing.enterprise,
                                                     "listing": listing})


@login_required
@require_GET
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = selectors.listing_get(user=request.user, pk=pk)
    may_change = access.allowed(request.user, access.CHANGE, listing)
    matches = list(selectors.listing_matches(user=request.user, listing=listing)[:20])
    rows = []
    for m in matches:
        other = m.supply if listing.kind == "demand" else m.demand
        rows.append({"match": m, "other": other, "reasons": reason_texts(m.reasons),
                     "contact": services.contact_visible(request.user, other)})
    return render(request, "cooperation/detail.html", {
        "listing": listing, "may_change": may_change, "editable": may_change and listing.status in EDITABLE,
        "contact": services.contact_visible(request.user, listing), "rows": rows,
        "may_moderate": access.can(request.user, "cooperation.moderate"),
        "history": selectors.listing_history(listing) if may_change or access.can(request.user, "cooperation.moderate")
        else [],
        "photo_form": PhotoForm(), "photos": list(listing.photos.all()),
    })


@login_required
@require_POST
def listing_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    try:
        services.listing_act(actor=request.user, listing_id=pk, action=action, note=request.POST.get("note", ""))
        messages.success(request, _("Done."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("cooperation-detail", pk)


@login_required
@require_POST
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        access.get_or_404(Listing, request.user, access.VIEW, pk=pk)
        messages.error(request, _("Choose a photo to upload."))
        return redirect("cooperation-detail", pk)
    try:
        services.photo_add(actor=request.user, listing_id=pk, file=form.cleaned_data["file"])
        messages.success(request, _("Photo added."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("cooperation-detail", pk)


@login_required
@require_GET
def photo_file(request: HttpRequest, pk: int) -> HttpResponse:
    photo = access.get_or_404(ListingPhoto, request.user, access.VIEW, pk=pk)
    return FileResponse(photo.file.open("rb"), filename=photo.name)


@login_required
@require_GET
def photo_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    """The photo's thumbnail, through the same access check as the original (cacheable by the browser only)."""
    photo = access.get_or_404(ListingPhoto, request.user, access.VIEW, pk=pk)
    if not photo.thumbnail:
        raise Http404
    response = FileResponse(photo.thumbnail.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@require_GET
def match_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    page = Paginator(selectors.my_matches(user=request.user, status=status), 30).get_page(request.GET.get("page"))
    rows = selectors.match_rows(request.user, list(page.object_list))
    for row in rows:
        row["reasons"] = reason_texts(row["match"].reasons)
    return render(request, "cooperation/matches.html", {
        "page": page, "rows": rows, "status": status, "deal_form": DealForm(),
        "may_broker": access.can(request.user, "cooperation.broker")})


@login_required
@require_POST
def match_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    try:
        if action == "interest":
            services.interest_express(actor=request.user, match_id=pk)
        elif action in ("accept", "decline"):
            services.interest_answer(actor=request.user, match_id=pk, accept=action == "accept")
        elif action == "deal":
            services.deal_report(actor=request.user, match_id=pk, quantity=request.POST.get("quantity"),
                                 value=request.POST.get("value"), note=request.POST.get("note", ""))
        else:
            raise ValidationError(_("Unknown action."))
        messages.success(request, _("Done."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("cooperation-matches")


@login_required
@require_POST
def broker(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "cooperation.broker"):
        raise PermissionDenied
    demand, supply = request.POST.get("demand", "").strip(), request.POST.get("supply", "").strip()
    if not (demand.isdigit() and supply.isdigit()):
        messages.error(request, _("Give a demand and a supply number."))
        return redirect("cooperation-matches")
    try:
        services.match_broker(actor=request.user, demand_id=int(demand), supply_id=int(supply))
        messages.success(request, _("Done."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("cooperation-matches")


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "cooperation.figures"):
        raise PermissionDenied
    from qifu.ledger import rules as ledger_rules

    data = selectors.figures(user=request.user, today=timezone.localdate())
    data["chart"] = selectors.figures_chart(data)
    data["may_raise"] = ledger_rules.may_merge(request.user)
    return render(request, "cooperation/figures.html", data)


@login_required
@require_GET
def figures_export(request: HttpRequest) -> HttpResponse:
    """The figures as an Excel workbook: totals, by category, by region, by week, unmet demands."""
    if not access.can(request.user, "cooperation.figures"):
        raise PermissionDenied
    data = selectors.figures(user=request.user, today=timezone.localdate())
    response = HttpResponse(io.figures_workbook(data), content_type=XLSX)
    name = f"cooperation-figures-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
