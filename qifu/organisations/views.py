"""Pages for units, the user's profile and API tokens, and the region picker."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qifu.core import access

from . import selectors, services
from .choices import UnitKind


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    units = selectors.unit_list(user=request.user, kind=kind if kind in UnitKind.values else "", q=q)
    groups: dict[str, list] = {}
    for unit in units:
        groups.setdefault(unit.get_kind_display(), []).append(unit)
    context = {"groups": groups, "kinds": UnitKind.choices, "kind": kind, "q": q}
    return render(request, "organisations/unit_list.html", context)


@login_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(user=request.user, pk=pk)
    context = {
        "unit": unit,
        "members": selectors.unit_members(user=request.user, unit=unit) if access.is_official(request.user) else [],
        "enterprise_count": selectors.unit_enterprise_count(user=request.user, unit=unit),
    }
    return render(request, "organisations/unit_detail.html", context)


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    context = selectors.profile(user=request.user)
    context["new_token"] = request.session.pop("new_token", None)
    return render(request, "organisations/profile.html", context)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip() or _("API token")
    try:
        _token, raw = services.token_create(actor=request.user, name=name)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        # Shown once on the next page, never stored in clear.
        request.session["new_token"] = raw
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    services.token_revoke(actor=request.user, token_id=pk)
    messages.success(request, _("Token revoked."))
    return redirect("profile")


@login_required
@require_http_methods(["GET"])
def region_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the regions under ``parent`` for the cascading region selects (htmx)."""
    parent = request.GET.get("parent") or None
    regions = selectors.region_children(parent=parent) if parent or "parent" not in request.GET else []
    return render(
        request,
        "organisations/_region_options.html",
        {"regions": regions, "selected": request.GET.get("selected", "")},
    )
