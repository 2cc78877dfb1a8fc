"""Pages for a person's notifications: the list, mark one read (htmx) and mark all read."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("notification-list")


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.notification_list(user=request.user, unread=True if unread_only else None)
    page = Paginator(qs, settings.QIFU_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "query": "unread=1" if unread_only else "",
        "unread_total": selectors.unread_count(user=request.user),
        "title": _("Notifications"),
    }
    template = "notifications/_rows.html" if request.htmx else "notifications/notification_list.html"
    return render(request, template, context)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = services.notification_mark_read(actor=request.user, notification_id=pk)
    if request.htmx:
        # the row, read now, and the badge in the top bar (out of band)
        context = {"n": notice, "unread_count": selectors.unread_count(user=request.user), "oob": True}
        return render(request, "notifications/_read_row.html", context)
    return _back(request)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications marked read."))
    return _back(request)
