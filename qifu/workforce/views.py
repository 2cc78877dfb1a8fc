"""Workforce pages: the overview with return figures, an enterprise's roster (masked personal list), upload and
export, bus plans and trips, requests that become ledger problems, and health events. Views parse, call one
service or selector, render."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qifu.core import access, excel
from qifu.core.errors import Conflict
from qifu.core.forms import ImportForm, add_service_errors
from qifu.core.views import xlsx_response
from qifu.enterprises.models import Enterprise

from . import imports, io, selectors, services
from .choices import HealthStatus, PlanStatus
from .forms import CloseForm, DecisionForm, HealthEventForm, PlanForm, RequestForm, RuleForm, StepForm

FIGURE_DAYS = 21
UPLOADS = Path(settings.VAR_DIR) / "uploads" / "workforce"
TOKEN = re.compile(r"[0-9a-f]{32}")
PAGE_WORKERS = 200


def _changeable(request: HttpRequest, pk: int) -> Enterprise:
    return access.get_or_404(Enterprise.objects.select_related("region"), request.user, access.CHANGE, pk=pk)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    figures = selectors.figures(user=user) if access.can(user, "workforce.figures") else None
    context = {
        **(_figures_context(figures) if figures else {}),
        "regions": selectors.figure_regions(user=user) if figures else [],
        "projects": selectors.projects(user=user)[:50],
        "rosters": selectors.rosters(user=user)[:100],
        "proposed": selectors.plans(user=user).filter(status=PlanStatus.PROPOSED)[:50],
        "health": selectors.health_events(user=user, open_only=True)[:50],
    }
    return render(request, "workforce/home.html", context)


def _figures_export(f: selectors.Figures, filename: str) -> HttpResponse:
    columns = [excel.Column("date", _("Date"), width=14), excel.Column("on_site", _("On site"), width=12),
               excel.Column("rate", _("Return rate (%)"), width=14)]
    columns += [excel.Column(f"p{code}", name, width=12) for code, name in f.provinces]
    response = xlsx_response(filename)
    excel.write_workbook(columns, selectors.figures_rows(f, _("Before the holiday")), _("Return figures"),
                         out=response)
    return response


def _figures_context(f: selectors.Figures) -> dict[str, Any]:
    chart = selectors.figures_chart(f)
    return {"figures": f, "recent": f.days[-FIGURE_DAYS:][::-1], "chart": chart}


@login_required
@require_GET
def region_figures(request: HttpRequest, code: str) -> HttpResponse:
    """Return figures of a district or a city: on site against the pre-holiday headcount, day by day, by origin
    province; the city's districts side by side. Each role sees its scope; ``?format=xlsx`` downloads them."""
    if not access.can(request.user, "workforce.figures"):
        raise PermissionDenied
    region = selectors.region_for_figures(user=request.user, code=code)
    f = selectors.figures(user=request.user, region=region.code)
    if request.GET.get("format") == "xlsx":
        return _figures_export(f, f"return-figures-{region.code}.xlsx")
    context = {"region": region, "districts": selectors.district_figures(user=request.user, region=region)
               if region.level < 3 else [], "own_only": access.figure_scope(request.user)[0] == "enterprises",
               **_figures_context(f)}
    return render(request, "workforce/region.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A key project's workforce: its roster over its enterprises, the return figures, the agreed lodging rule
    with its shuttles and the ledger problem it settled (the work team records it here)."""
    project = selectors.project_get(user=request.user, pk=pk)
    may_change = access.allowed(request.user, access.CHANGE, project)
    f = selectors.figures(user=request.user, project_id=project.pk)
    if request.GET.get("format") == "xlsx":
        return _figures_export(f, f"return-figures-{project.code}.xlsx")
    data = selectors.project_workforce(user=request.user, project=project)
    form = RuleForm(request.POST or None, initial={
        "rule": data.rule.rule if data.rule else "", "problem": data.rule.problem.number if data.rule and
        data.rule.problem else "", "shuttles": "\n".join(
            f"{s.lodging}, {s.departs:%H:%M}, {s.returns:%H:%M}, {s.seats}" if s.returns else
            f"{s.lodging}, {s.departs:%H:%M}, , {s.seats}" for s in data.shuttles)})
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.project_rule_set(actor=request.user, project_id=project.pk, rule=d["rule"],
                                          shuttles=d["shuttles"], problem_id=d["problem_id"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The lodging rule was recorded."))
                return redirect("workforce-project", pk=project.pk)
    context = {"project": project, "data": data, "form": form, "may_change": may_change, **_figures_context(f)}
    return render(request, "workforce/project.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    figures = selectors.figures(user=request.user, enterprise_id=enterprise.pk)
    if request.GET.get("format") == "xlsx":
        return _figures_export(figures, f"return-figures-{enterprise.pk}.xlsx")
    data = selectors.roster(user=request.user, enterprise=enterprise)
    workers, unmasked = selectors.personal_list(user=request.user, enterprise=enterprise, limit=PAGE_WORKERS)
    context = {
        "enterprise": enterprise, "roster": data, "workers": workers, "unmasked": unmasked,
        **_figures_context(figures),
        "can_change": access.allowed(request.user, access.CHANGE, enterprise),
        "plans": selectors.plans(user=request.user, enterprise_id=enterprise.pk)[:20],
        "health": selectors.health_events(user=request.user, enterprise_id=enterprise.pk)[:20],
        "warnings": selectors.health_warnings(user=request.user, enterprise_ids=[enterprise.pk]).get(enterprise.pk, []),
        "projects": selectors.projects(user=request.user).filter(
            Q(owner=enterprise) | Q(workforce_members__enterprise=enterprise)).distinct(),
    }
    return render(request, "workforce/roster.html", context)


def _upload_path(enterprise: Enterprise, user: Any, token: str) -> Path:
    return UPLOADS / f"{enterprise.pk}-{user.pk}-{token}.xlsx"


@login_required
@require_http_methods(["GET", "POST"])
def workers_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the full personal list: a preview says how many workers are added, changed, marked not returning
    and removed; confirming writes exactly that, or nothing if the list changed in between."""
    enterprise = _changeable(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    report, token = None, ""
    if request.method == "POST" and request.POST.get("op") == "confirm":
        token = request.POST.get("token", "")
        path = _upload_path(enterprise, request.user, token) if TOKEN.fullmatch(token) else None
        if path is None or not path.exists():
            messages.error(request, _("The uploaded file is no longer available; upload it again."))
            return redirect("workforce-import", pk=enterprise.pk)
        expected = {k: int(request.POST.get(k, "-1") or -1) for k in
                    ("created", "updated", "unchanged", "not_returning", "removed")}
        try:
            with path.open("rb") as file:
                report = imports.workers_import(actor=request.user, enterprise_id=enterprise.pk, file=file,
                                                expected=expected)
        except Conflict as exc:
            messages.error(request, str(exc))
            path.unlink(missing_ok=True)
            return redirect("workforce-import", pk=enterprise.pk)
        path.unlink(missing_ok=True)
        if report.ok:
            messages.success(request, _("Personal list saved: %(c)d added, %(u)d changed, %(n)d marked not "
                                        "returning, %(r)d removed.") % {
                "c": report.created, "u": report.updated, "n": report.not_returning, "r": report.removed})
            return redirect("workforce-roster", pk=enterprise.pk)
    elif request.method == "POST" and form.is_valid():
        report = imports.workers_import(actor=request.user, enterprise_id=enterprise.pk,
                                        file=form.cleaned_data["file"], dry_run=True)
        if report.ok:
            token = secrets.token_hex(16)
            UPLOADS.mkdir(parents=True, exist_ok=True)
            stale = time.time() - 24 * 3600  # previews nobody confirmed: their files go after a day
            for old in UPLOADS.glob("*.xlsx"):
                if old.stat().st_mtime < stale:
                    old.unlink(missing_ok=True)
            upload = form.cleaned_data["file"]
            upload.seek(0)
            with _upload_path(enterprise, request.user, token).open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
    context = {"form": form, "report": report, "token": token, "enterprise": enterprise,
               "title": _("Upload the personal list: %(name)s") % {"name": enterprise.name}}
    return render(request, "workforce/import.html", context, status=400 if report and not report.ok else 200)


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
    trips = list(selectors.trips(user=request.user, plan_id=plan.pk))
    codes = {c for b in plan.result.get("buses", []) for c, _n in b["pickups"]}
    names = selectors.region_names(codes)
    for t in trips:  # pick-up points by name, in route order
        t.stops = [(c, names.get(c, c), n) for c, n in t.pickups]
    proposed = [{"stops": [(c, names.get(c, c), n) for c, n in b["pickups"]], "distance_km": b["distance_km"]}
                for b in plan.result.get("buses", [])]
    context = {"plan": plan, "may_decide": may_decide, "form": form, "trips": trips, "proposed": proposed,
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
