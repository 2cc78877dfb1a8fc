"""Site-wide pages: health and the role-based home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from qifu.core import health
from qifu.enterprises import selectors as enterprise_selectors


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and queue status: 200 when healthy, 503 when not."""
    healthy, body = health.status()
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A home page per role: what the signed-in user works on first."""
    context = enterprise_selectors.home_overview(user=request.user)
    return render(request, "core/home.html", context)
