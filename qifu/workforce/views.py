"""Workforce pages: the overview with return figures, an enterprise's roster (masked personal list), upload and
export, bus plans and trips, requests that become ledger problems, and health events. Views parse, call one
service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qifu.core import access, excel
from qifu.core.errors import Conflict
from qifu.core.forms import add_service_errors
from qifu.core.views import import_page, xlsx_response
from qifu.enterprises.models import Enterprise

from . import imports, io, selectors, services
from .choices import HealthStatus, PlanStatus
from .forms import CloseForm, DecisionForm, HealthEventForm, PlanForm, RequestForm, StepForm

FIGURE_DAYS = 21
PAGE_WORKERS = 200


def _changeable(request: HttpRequest, pk: int) -> Enterprise:
    return access.get_or_404(Enterprise.objects.select_related("region"), request.user, access.CHANGE, pk=pk)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    figures = selectors.figures(user=user) if access.can(user, "workforce.figures") else None
    context = {
        "figures": figures, "recent": figures.days[-FIGURE_DAYS:][::-1] if figures else [],
        "rosters": selectors.rosters(user=user)[:100],
        "proposed": selectors.plans(user=user).filter(status=PlanStatus.PROPOSED)[:50],
        "health": selectors.health_events(user=user, open_only=True)[:50],
    }
    return render(request, "workforce/home.html", context)


@login_required
@require_GET
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    data = selectors.roster(user=request.user, enterprise=enterprise)
    workers, unmasked = selectors.personal_list(user=request.user, enterprise=enterprise, limit=PAGE_WORKERS)
    figures = selectors.figures(user=request.user, enterprise_id=enterprise.pk)
    context = {
        "enterprise": enterprise, "roster": data, "workers": workers, "unmasked": unmasked,
        "figures": figures, "recent": figures.days[-FIGURE_DAYS:][::-1],
        "can_change": access.allowed(request.user, access.CHANGE, enterprise),
        "plans": selectors.plans(user=request.user, enterprise_id=enterprise.pk)[:20],
        "health": selectors.health_events(user=request.user, enterprise_id=enterprise.pk)[:20],
        "warnings": selectors.health_warnings([enterprise.pk]).get(enterprise.pk, []),
    }
    return render(request, "workforce/roster.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def workers_import(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _changeable(request, pk)

    def run(*, actor: Any, file: Any) -> Any:
        return imports.workers_import(actor=actor, enterprise_id=enterprise.pk, file=file)

    return import_page(request, run=run, title=_("Upload the personal list: %(name)s") % {"name": enterprise.name},
                       template_url="workforce-import-template")


@login_required
@require_GET
def workers_template(request: HttpRequest) -> HttpResponse:
    if not access.roles(request.user):
        raise PermissionDenied
    return xlsx_response("workers-template.xlsx", excel.template_workbook(io.WORKER_COLUMNS, _("Workers")))


@login_required
@require_GET
def workers_export(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    rows, _unmasked = selectors.personal_list(user=request.user, enterprise=enterprise, what="export")
    records = [{**r, "state": r["state_label"]} for r in rows]
    response = xlsx_response(f"workers-{enterprise.pk}.xlsx")
    excel.write_workbook(io.WORKER_COLUMNS, records, _("Workers"), out=response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _changeable(request, pk)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_propose(actor=request.user, enterprise_id=enterprise.pk,
                                         travel_date=form.cleaned_data["date"], seats=form.cleaned_data["seats"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The plan was sent to the transport department for approval."))
            return redirect("workforce-plan", pk=plan.pk)
    return render(request, "workforce/form.html", {"form": form, "enterprise": enterprise,
                                                   "title": _("Plan chartered buses")},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    may_decide = plan.status == PlanStatus.PROPOSED and access.may_approve_transport(request.user, plan.enterprise)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not access.may_approve_transport(request.user, plan.enterprise):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.plan_decide(actor=request.user, plan_id=plan.pk,
                                     approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"])
            except (ValidationError, Conflict) as exc:
                messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("workforce-plan", pk=plan.pk)
    context = {"plan": plan, "may_decide": may_decide, "form": form,
               "trips": selectors.trips(user=request.user, plan_id=plan.pk),
               "may_move": access.allowed(request.user, access.CHANGE, plan.enterprise)
               or access.may_approve_transport(request.user, plan.enterprise)}
    return render(request, "workforce/plan.html", context)


@login_required
@require_POST
def trip_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    try:
        trip = services.trip_transition(actor=request.user, trip_id=pk, action=action)
    except (ValidationError, Conflict) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        trip = selectors.trips(user=request.user).get(pk=pk)
    return redirect("workforce-plan", pk=trip.plan_id)


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _changeable(request, pk)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            problem = services.ledger_problem_raise(
                actor=request.user, enterprise_id=enterprise.pk, kind=d["kind"], title=d["title"],
                description=d["description"], origin_code=d["origin"], workers=d["workers"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Recorded in the problem ledger as %(number)s.") % {"number": problem.number})
            return redirect("problem-detail", pk=problem.pk)
    return render(request, "workforce/form.html", {"form": form, "enterprise": enterprise,
                                                   "title": _("Ask for help with transport or lodging")},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def health_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _changeable(request, pk)
    form = HealthEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            event = services.health_event_report(actor=request.user, data=services.HealthEventInput(
                enterprise_id=enterprise.pk, person_name=d["person_name"], description=d["description"],
                phone=d["phone"], id_number=d["id_number"], customer_ids=tuple(d["customers"])))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("workforce-health", pk=event.pk)
    return render(request, "workforce/form.html", {"form": form, "enterprise": enterprise,
                                                   "title": _("Report a suspected case")},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def health_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.health_event_get(user=request.user, pk=pk)
    may_handle = services._may_handle(request.user, event)
    step_form, close_form = StepForm(prefix="step"), CloseForm(prefix="close")
    if request.method == "POST":
        if not may_handle:
            raise PermissionDenied
        op = request.POST.get("op")
        form = StepForm(request.POST, prefix="step") if op == "step" else CloseForm(request.POST, prefix="close")
        if op == "step":
            step_form = form
        else:
            close_form = form
        if form.is_valid():
            d = form.cleaned_data
            try:
                if op == "step":
                    services.health_step_add(actor=request.user, event_id=event.pk, kind=d["kind"], at=d["at"],
                                             result=d["result"], note=d["note"])
                else:
                    services.health_event_close(actor=request.user, event_id=event.pk, status=d["status"],
                                                outcome=d["outcome"])
                return redirect("workforce-health", pk=event.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except Conflict as exc:
                messages.error(request, str(exc))
    person = selectors.mask_health_event(request.user, event)
    context = {"event": event, "person": person, "steps": event.steps.select_related("recorded_by"),
               "may_handle": may_handle and event.status == HealthStatus.OPEN, "step_form": step_form,
               "close_form": close_form}
    return render(request, "workforce/health.html", context, status=400 if step_form.errors or close_form.errors
                  else 200)
