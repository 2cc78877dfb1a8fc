"""Site-wide pages: health and the role-based home page."""

from __future__ import annotations

from typing import Any

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
    from qifu.ledger import selectors as ledger_selectors

    context = enterprise_selectors.home_overview(user=request.user)
    context["ledger"] = ledger_selectors.home_counts(user=request.user)
    return render(request, "core/home.html", context)


def xlsx_response(filename: str, content: bytes | None = None) -> HttpResponse:
    """An .xlsx download; without ``content``, write the workbook into the response (it is file-like)."""
    from qifu.core.excel import XLSX_CONTENT_TYPE

    response = HttpResponse(content or b"", content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def import_page(request: HttpRequest, *, run: Any, title: str, template_url: str | None) -> HttpResponse:
    """Upload an Excel file to an all-or-nothing import service and show its row-by-row report.
    The caller has checked the capability."""
    from django.contrib import messages
    from django.utils.translation import gettext as _

    from qifu.core.forms import ImportForm

    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = run(actor=request.user, file=form.cleaned_data["file"])
        if report.ok:
            messages.success(
                request,
                _("Import finished: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
            )
    context = {"form": form, "report": report, "template_url": template_url, "title": title}
    return render(request, "enterprises/import.html", context, status=400 if report and not report.ok else 200)
