"""Ledger pages: the list, a problem's page with the actions open to the user, reporting a problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qifu.core import access
from qifu.core.errors import Conflict
from qifu.core.forms import add_service_errors
from qifu.core.views import import_page, xlsx_response
from qifu.enterprises.models import Enterprise
from qifu.organisations.choices import UnitKind
from qifu.organisations.models import Unit

from . import extensions, imports, io, kpis, merging, rules, selectors, services
from .forms import (
    ConfirmForm,
    DispatchForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    MergeForm,
    MessageForm,
    ProblemFilterForm,
    ProblemForm,
    ProgressForm,
    ReasonForm,
    ResolveForm,
    ReturnForm,
)
from .models import Attachment, DeadlineExtension, Problem


def _filters(request: HttpRequest) -> tuple[ProblemFilterForm, selectors.ProblemFilter]:
    form = ProblemFilterForm(request.GET or None)
    data = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v not in (None, "")}
    return form, selectors.ProblemFilter(**data)


@login_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    form, flt = _filters(request)
    qs = selectors.problem_list(user=request.user, filters=flt)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "counts": selectors.problem_counts(qs=qs), "query": query.urlencode(),
               "categories": selectors.categories(),
               "can_import_ledger": access.can(request.user, "ledger.import"),
               "can_merge": rules.may_merge(request.user),
               "can_decide_extensions": extensions.may_decide_any(request.user),
               "return_units": Unit.objects.filter(pk__in=access.unit_ids(request.user)).order_by("name")
               if access.can(request.user, "ledger.return") else []}
    template = "ledger/_problem_rows.html" if request.htmx else "ledger/problem_list.html"
    return render(request, template, context)


@login_required
@require_GET
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    context = selectors.context_for_detail(user=request.user, problem=problem)
    context["forms"] = {action: form_class() for action, (form_class, _call) in ACTIONS.items() if form_class}
    if "dispatch" in context["actions"]:
        context["forms"]["dispatch"] = DispatchForm(units=_dispatch_units(problem))
    context["extensions"] = extensions.problem_extensions(problem=problem)
    context["decidable"] = extensions.decidable(user=request.user, problem=problem, extensions=context["extensions"])
    if problem.enterprise_id is None:
        context["children"] = list(merging.common_children(problem=problem))
    return render(request, "ledger/problem_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def problem_report(request: HttpRequest, enterprise_pk: int) -> HttpResponse:
    enterprise = access.get_or_404(Enterprise, request.user, access.VIEW, pk=enterprise_pk)
    if not rules.may_report(request.user, enterprise):
        raise PermissionDenied
    form = ProblemForm(request.POST or None, categories=selectors.categories())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            problem = services.problem_report(actor=request.user, data=services.ProblemInput(
                enterprise_id=enterprise.pk, title=d["title"], description=d["description"],
                category_id=int(d["category"]), nature=d["nature"], priority=d["priority"], channel=d["channel"],
                crisis_mode=d["crisis_mode"],
            ))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Problem %(number)s recorded.") % {"number": problem.number})
            return redirect("problem-detail", pk=problem.pk)
    return render(request, "ledger/problem_form.html", {"form": form, "enterprise": enterprise})


def _dispatch_units(problem: Problem) -> Any:
    """Departments and economic bureaus of the enterprise's province (all, for a common problem)."""
    qs = Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.ECONOMIC_BUREAU], is_active=True)
    if problem.enterprise_id:
        qs = qs.filter(region__code__startswith=problem.enterprise.region_id[:2])
    return qs.order_by("kind", "sort_order", "name")


Call = Callable[[Any, Problem, dict[str, Any], int | None], Any]


def _mine(user: Any, problem: Problem) -> int:
    hop = selectors.my_assignment(user=user, problem=problem)
    if hop is None:
        raise Http404
    return hop.pk


ACTIONS: dict[str, tuple[type[forms.Form] | None, Call]] = {
    "accept": (None, lambda u, p, d, v: services.problem_accept(actor=u, problem_id=p.pk, version=v)),
    "resolve_on_site": (ResolveForm, lambda u, p, d, v: services.problem_resolve_on_site(
        actor=u, problem_id=p.pk, version=v, **d)),
    "escalate": (ReasonForm, lambda u, p, d, v: services.problem_escalate(actor=u, problem_id=p.pk, version=v, **d)),
    "dispatch": (DispatchForm, lambda u, p, d, v: services.problem_dispatch(
        actor=u, problem_id=p.pk, version=v, instructions=d.get("instructions", ""),
        targets=[services.DispatchTarget(unit_id=int(x), deadline_days=d.get("deadline_days")) for x in d["units"]])),
    "acknowledge": (None, lambda u, p, d, v: services.assignment_acknowledge(actor=u, assignment_id=_mine(u, p))),
    "report_progress": (ProgressForm, lambda u, p, d, v: services.problem_report_progress(
        actor=u, problem_id=p.pk, **d)),
    "resolve": (ResolveForm, lambda u, p, d, v: services.problem_resolve(actor=u, problem_id=p.pk, version=v, **d)),
    "return": (ReturnForm, lambda u, p, d, v: services.assignment_return(
        actor=u, assignment_id=_mine(u, p), **d)),
    "confirm": (ConfirmForm, lambda u, p, d, v: services.problem_confirm(actor=u, problem_id=p.pk, version=v, **d)),
    "check": (None, lambda u, p, d, v: services.problem_check(actor=u, problem_id=p.pk, version=v)),
    "chase": (MessageForm, lambda u, p, d, v: services.problem_chase(actor=u, problem_id=p.pk, **d)),
    "request_extension": (ExtensionRequestForm, lambda u, p, d, v: services.extension_request(
        actor=u, problem_id=p.pk, **d)),
}


@login_required
@require_POST
def problem_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take one transition; the service decides whether this user may, from this state and version."""
    if action not in ACTIONS:
        raise Http404
    problem = selectors.problem_get(user=request.user, pk=pk)
    if not rules.allowed(action, request.user, problem, selectors.my_assignment(user=request.user, problem=problem)):
        raise PermissionDenied
    form_class, call = ACTIONS[action]
    if form_class is DispatchForm:
        form: forms.Form | None = DispatchForm(request.POST, units=_dispatch_units(problem))
    else:
        form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("problem-detail", pk=pk)
    try:
        version = int(request.POST["version"]) if request.POST.get("version") else None
    except ValueError:
        version = None
    try:
        call(request.user, problem, form.cleaned_data if form else {}, version)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("problem-detail", pk=pk)


@login_required
@require_GET
def problem_export(request: HttpRequest) -> HttpResponse:
    """The filtered ledger as Excel, written straight into the response."""
    access.require_capability(request.user, "ledger.export")
    _form, flt = _filters(request)
    response = xlsx_response(f"ledger-{timezone.localdate():%Y%m%d}.xlsx")
    io.export_problems(selectors.problem_list(user=request.user, filters=flt), out=response)
    return response


@login_required
@require_GET
def ledger_template(request: HttpRequest) -> HttpResponse:
    access.require_capability(request.user, "ledger.import")
    return xlsx_response("ledger-import-template.xlsx", io.ledger_template())


@login_required
@require_GET
def unit_return_sheet(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """A unit's open problems as a sheet to fill in and return (定期报送)."""
    access.require_capability(request.user, "ledger.return")
    unit = access.get_or_404(Unit, request.user, access.VIEW, pk=unit_pk)
    if not rules.may_file_return(request.user, unit):
        raise PermissionDenied
    response = xlsx_response(f"return-{unit.code}-{timezone.localdate():%Y%m%d}.xlsx")
    io.ledger_export_for_unit(unit, Problem.objects.restrict(request.user), out=response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def ledger_import(request: HttpRequest) -> HttpResponse:
    access.require_capability(request.user, "ledger.import")
    return import_page(request, run=imports.ledger_import, title=_("Import a problem ledger"),
                   template_url="ledger-import-template")


@login_required
@require_http_methods(["GET", "POST"])
def return_import(request: HttpRequest) -> HttpResponse:
    access.require_capability(request.user, "ledger.return")
    return import_page(request, run=imports.progress_import, title=_("Upload a progress return sheet"), template_url=None)


@login_required
@require_GET
def problem_kpis(request: HttpRequest) -> HttpResponse:
    """KPIs per responsible unit or tier over the user's scope (and the list's filters), with the formulas."""
    if not access.is_official(request.user):
        raise PermissionDenied
    form, flt = _filters(request)
    by = request.GET.get("by") if request.GET.get("by") in ("unit", "tier") else "unit"
    qs = selectors.problem_list(user=request.user, filters=flt)
    overall, rows, as_of = kpis.for_scope(user=request.user, qs=qs, by=by, filtered=flt != selectors.ProblemFilter())
    context = {"form": form, "by": by, "overall": overall, "rows": rows, "as_of": as_of, "formulas": kpis.FORMULAS}
    return render(request, "ledger/kpis.html", context)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
        return redirect("problem-detail", pk=pk)
    try:
        services.attachment_add(actor=request.user, problem_id=problem.pk, file=upload)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("File attached."))
    return redirect("problem-detail", pk=pk)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Files are served through the access check, never from a public media URL."""
    from django.http import FileResponse

    attachment = access.get_or_404(Attachment, request.user, access.VIEW, pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# --- deadline extensions -------------------------------------------------------------------------


@login_required
@require_GET
def extension_list(request: HttpRequest) -> HttpResponse:
    """Requests waiting for the user's decision (待审批延期), oldest first."""
    if not extensions.may_decide_any(request.user):
        raise PermissionDenied
    page = Paginator(extensions.to_decide(user=request.user), 50).get_page(request.GET.get("page"))
    template = "ledger/_extension_rows.html" if request.htmx else "ledger/extension_list.html"
    return render(request, template, {"page": page, "query": ""})


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Grant or refuse one request; back to the list or the problem it came from."""
    qs = DeadlineExtension.objects.select_related("problem__enterprise", "assignment")
    extension = access.get_or_404(qs, request.user, access.VIEW, pk=pk)
    if not rules.allowed("decide_extension", request.user, extension.problem, extension.assignment):
        raise PermissionDenied
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to grant or refuse the request."))
    else:
        grant = form.cleaned_data["decision"] == "grant"
        try:
            services.extension_decide(actor=request.user, extension_id=extension.pk, grant=grant,
                                      note=form.cleaned_data["note"])
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Extension granted.") if grant else _("Extension refused."))
    if request.POST.get("back") == "list":
        return redirect("extension-list")
    return redirect("problem-detail", pk=extension.problem_id)


# --- common problems -----------------------------------------------------------------------------


def _merge_form(user: Any, data: Any = None, *, initial: dict[str, Any] | None = None,
                auto_id: str = "id_%s") -> MergeForm:
    parents = list(merging.open_common_problems(user=user)[:200])
    return MergeForm(data, initial=initial, categories=merging.categories(), parents=parents, auto_id=auto_id)


@login_required
@require_http_methods(["GET", "POST"])
def problem_suggestions(request: HttpRequest) -> HttpResponse:
    """Suggested groups of similar open problems in scope, each with a form to merge them (POST: recompute)."""
    if not rules.may_merge(request.user):
        raise PermissionDenied
    if request.method == "POST":
        merging.suggestions(user=request.user, refresh=True)
        messages.success(request, _("Suggestions recomputed."))
        return redirect("problem-suggestions")
    result = merging.suggestions(user=request.user)
    groups = [
        (group, _merge_form(request.user, auto_id=f"g{index}_%s", initial={
            "title": group.problems[0].title, "category": group.category_id}))
        for index, group in enumerate(result.groups, 1)
    ]
    return render(request, "ledger/suggestions.html", {"result": result, "groups": groups})


def _ids(values: list[str]) -> list[int]:
    return sorted({int(v) for v in values if v.isdigit()})


@login_required
@require_http_methods(["GET", "POST"])
def problem_merge(request: HttpRequest) -> HttpResponse:
    """Merge chosen problems (from the ledger, a problem's page or a suggestion) into a common problem."""
    if not rules.may_merge(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = _merge_form(request.user, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["parent"]:
                    parent = services.problems_merge_into(actor=request.user, parent_id=d["parent"],
                                                          problem_ids=d["problems"])
                else:
                    parent = services.problems_merge(actor=request.user, problem_ids=d["problems"], title=d["title"],
                                                     category_id=d["category"] or 0, description=d["description"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("%(count)s problems merged into common problem %(number)s.")
                                 % {"count": len(d["problems"]), "number": parent.number})
                return redirect("problem-detail", pk=parent.pk)
        selected = merging.selected_problems(user=request.user, ids=_ids(request.POST.getlist("problems")))
    else:
        selected = merging.selected_problems(user=request.user, ids=_ids(request.GET.getlist("problems")))
        initial = {"title": selected[0].title, "category": selected[0].category_id} if selected else {}
        form = _merge_form(request.user, initial=initial)
    return render(request, "ledger/merge.html", {"form": form, "selected": selected,
                                                 "chosen": {p.pk for p in selected}})
