"""Pages for enterprises: thin views that parse, call one selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qifu.core import access
from qifu.core.errors import Conflict
from qifu.core.forms import add_service_errors
from qifu.core.views import import_page, xlsx_response
from qifu.ledger import rules as ledger_rules
from qifu.ledger import selectors as ledger_selectors
from qifu.organisations.choices import Role

from . import imports, io, selectors, services
from .forms import AssignForm, ContactForm, EnterpriseFilterForm, EnterpriseForm
from .models import Enterprise


def _filters(request: HttpRequest) -> tuple[EnterpriseFilterForm, selectors.EnterpriseFilter]:
    form = EnterpriseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.EnterpriseFilter(
        q=data.get("q", ""),
        region=data.get("region", ""),
        industry=data.get("industry", ""),
        key_only=data.get("key_only", False),
        without_commissioner=data.get("without_commissioner", False),
    )


def _page(request: HttpRequest, qs):  # type: ignore[no-untyped-def]
    from django.conf import settings

    return Paginator(qs, settings.QIFU_PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form, flt = _filters(request)
    page = _page(request, selectors.enterprise_list(user=request.user, filters=flt))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "title": _("Enterprises")}
    template = "enterprises/_enterprise_rows.html" if request.htmx else "enterprises/enterprise_list.html"
    return render(request, template, context)


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    """The commissioner's "my enterprises": the ones assigned to them, with search."""
    if not access.has_role(request.user, Role.COMMISSIONER):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    qs = selectors.enterprise_list(
        user=request.user, filters=selectors.EnterpriseFilter(q=q, commissioner_id=request.user.pk)
    )
    page = _page(request, qs)
    context = {"page": page, "q": q, "query": f"q={q}" if q else ""}
    template = "enterprises/_workbench_cards.html" if request.htmx else "enterprises/workbench.html"
    return render(request, template, context)


@login_required
@require_GET
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    user = request.user
    context = {
        "enterprise": enterprise,
        "assignments": selectors.assignment_history(user=user, enterprise=enterprise),
        "timeline": selectors.enterprise_timeline(user=user, enterprise=enterprise),
        "can_change": access.allowed(user, access.CHANGE, enterprise),
        "can_assign": access.allowed(user, access.ASSIGN, enterprise),
        "can_report": ledger_rules.may_report(user, enterprise),
        "problems": list(
            ledger_selectors.problem_list(user=user, filters=ledger_selectors.ProblemFilter(enterprise_id=pk))[:20]
        ),
    }
    return render(request, "enterprises/enterprise_detail.html", context)


def _initial(enterprise: Enterprise) -> dict[str, object]:
    return {**services.current_values(enterprise), "version": enterprise.version}


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request: HttpRequest) -> HttpResponse:
    access.require_capability(request.user, "enterprise.add")
    default_region = next(iter(access.region_prefixes(request.user, Role.COMMAND_CENTER)), "")
    form = EnterpriseForm(request.POST or None, initial={"region": default_region, "above_scale": True})
    if request.method == "POST" and form.is_valid():
        try:
            data = services.clean_enterprise_data(form.cleaned_data)
            enterprise = services.enterprise_create(actor=request.user, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Enterprise %(name)s registered.") % {"name": enterprise.name})
            return redirect("enterprise-detail", pk=enterprise.pk)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "title": _("Register an enterprise")})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access.get_or_404(Enterprise, request.user, access.CHANGE, pk=pk)
    full = access.has_role(request.user, Role.ADMINISTRATOR) or access.region_in_scope(
        request.user, enterprise.region_id, Role.COMMAND_CENTER
    )
    limited = None if full else services.CONTACT_EDITABLE_FIELDS
    form = EnterpriseForm(request.POST or None, initial=_initial(enterprise), limited_to=limited)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "version" and (limited is None or k in limited)}
        try:
            services.enterprise_update(
                actor=request.user,
                enterprise_id=enterprise.pk,
                expected_version=form.cleaned_data.get("version"),
                changes=changes,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("enterprise-detail", pk=enterprise.pk)
    context = {"form": form, "enterprise": enterprise, "title": _("Edit %(name)s") % {"name": enterprise.name}}
    return render(request, "enterprises/enterprise_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def commissioner_assign(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access.get_or_404(Enterprise, request.user, access.ASSIGN, pk=pk)
    candidates = selectors.commissioner_candidates(user=request.user, enterprise=enterprise)
    form = AssignForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.commissioner_assign(
                actor=request.user,
                enterprise_id=enterprise.pk,
                commissioner_id=int(form.cleaned_data["commissioner"]),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if result is None:
                messages.info(request, _("That commissioner already serves this enterprise."))
            else:
                messages.success(request, _("Commissioner assigned."))
            return redirect("enterprise-detail", pk=enterprise.pk)
    return render(request, "enterprises/assign_form.html", {"form": form, "enterprise": enterprise})


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access.get_or_404(Enterprise, request.user, access.CHANGE, pk=pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_add(actor=request.user, enterprise_id=enterprise.pk, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contact added."))
            return redirect("enterprise-detail", pk=enterprise.pk)
    return render(request, "enterprises/contact_form.html", {"form": form, "enterprise": enterprise})


@login_required
@require_GET
def enterprise_export(request: HttpRequest) -> HttpResponse:
    access.require_capability(request.user, "enterprise.export")
    _form, flt = _filters(request)
    qs = selectors.enterprise_list(user=request.user, filters=flt)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(f"enterprises-{stamp}.xlsx", io.export_enterprises(qs))


@login_required
@require_GET
def enterprise_import_template(request: HttpRequest) -> HttpResponse:
    access.require_capability(request.user, "enterprise.import")
    return xlsx_response("enterprise-import-template.xlsx", io.enterprise_template())


@login_required
@require_GET
def assignment_import_template(request: HttpRequest) -> HttpResponse:
    access.require_capability(request.user, "commissioner.import")
    return xlsx_response("commissioner-import-template.xlsx", io.assignment_template())


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request: HttpRequest) -> HttpResponse:
    access.require_capability(request.user, "enterprise.import")
    return import_page(
        request,
        run=imports.enterprise_import,
        template_url="enterprise-import-template",
        title=_("Import enterprises"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_import(request: HttpRequest) -> HttpResponse:
    access.require_capability(request.user, "commissioner.import")
    return import_page(
        request,
        run=imports.assignment_import,
        template_url="assignment-import-template",
        title=_("Import commissioner assignments"),
    )
