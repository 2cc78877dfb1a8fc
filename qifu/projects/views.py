"""Key-project pages: projects, the equipment ledger (with the phone check-off), the risk view, imports and
exports, logistics requests, vehicle passes and the public check of a pass's QR code. Views parse, call one
selector or service, render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qifu.core import access, excel
from qifu.core.errors import Conflict
from qifu.core.forms import add_service_errors
from qifu.core.views import import_page, xlsx_response
from qifu.enterprises.models import Enterprise

from . import countries, imports, io, printing, selectors, services
from .choices import PassStatus
from .forms import (
    CountryNoteForm,
    DecideForm,
    EquipmentFilterForm,
    EquipmentForm,
    LogisticsForm,
    MilestoneForm,
    PassForm,
    ProjectForm,
    ReplaceForm,
    RiskForm,
    TeamMemberForm,
)
from .models import EquipmentItem, KeyProject, Milestone, VehiclePass


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    projects = selectors.project_list(user=request.user)
    return render(request, "projects/project_list.html", {"projects": projects,
                                                          "may_add": access.can(request.user, "project.add")})


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    may_change = selectors.may_change(request.user, project)
    milestones = list(Milestone.objects.filter(project=project))
    return render(request, "projects/project_detail.html", {
        "project": project, "team": services.work_team_members(project),
        "milestones": [(m, MilestoneForm(initial={"milestone_id": m.pk, "name": m.name,
                                                  "planned_date": m.planned_date, "actual_date": m.actual_date},
                                         auto_id=f"id_m{m.pk}_%s", form_id=f"milestone-{m.pk}") if may_change else None) for m in milestones],
        "requests": selectors.logistics_list(user=request.user, project_id=project.pk)[:20],
        "may_change": may_change, "milestone_form": MilestoneForm(),
        "may_manage": services.may_manage(request.user, project), "member_form": TeamMemberForm(),
    })


def _project_form(request: HttpRequest, *, data: Any, initial: dict[str, Any] | None, editing: bool,
                  manager: bool) -> ProjectForm:
    from qifu.organisations.choices import UnitKind
    from qifu.organisations.models import Unit

    units = Unit.objects.filter(is_active=True).order_by("region_id", "name")
    return ProjectForm(data, initial=initial, editing=editing, manager=manager,
                       teams=list(units.filter(kind=UnitKind.WORK_TEAM).values_list("pk", "name")),
                       departments=list(units.filter(kind=UnitKind.DEPARTMENT).values_list("pk", "name")))


def _owner_id(request: HttpRequest, form: ProjectForm) -> int | None:
    """The enterprise typed as credit code or exact name, among those the user sees."""
    typed = (form.cleaned_data.get("owner") or "").strip()
    found = list(Enterprise.objects.restrict(request.user, access.VIEW).filter(
        Q(credit_code=typed.upper()) | Q(name=typed)).values_list("pk", flat=True)[:2])
    if len(found) != 1:
        form.add_error("owner", _("No single enterprise you can see has this credit code or name."))
        return None
    return found[0]


PROJECT_ERROR_FIELDS = {"owner_id": "owner"}


def _service_errors(form: ProjectForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        exc = ValidationError({PROJECT_ERROR_FIELDS.get(k, k): v for k, v in exc.error_dict.items()})
    add_service_errors(form, exc)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "project.add"):
        raise PermissionDenied
    form = _project_form(request, data=request.POST or None, initial={"stage": "construction"}, editing=False,
                         manager=True)
    if request.method == "POST" and form.is_valid():
        owner_id = _owner_id(request, form)
        if owner_id is not None:
            d = form.cleaned_data
            try:
                project = services.project_create(actor=request.user, data=services.ProjectInput(
                    code=d["code"], name=d["name"], owner_id=owner_id, region_code=d["region_code"],
                    investment=d["investment"], stage=d["stage"], work_team_id=d["work_team_id"],
                    work_team_name=d["work_team_name"], transport_unit_id=d["transport_unit_id"],
                    description=d["description"]))
            except ValidationError as exc:
                _service_errors(form, exc)
            except PermissionDenied:
                form.add_error("region_code", _("You may register projects only in your own region."))
            else:
                messages.success(request, _("Key project %(name)s registered.") % {"name": project.name})
                return redirect("project-detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": None},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, action=access.CHANGE)
    manager = services.may_manage(request.user, project)
    initial = {"name": project.name, "owner": project.owner.credit_code, "region_code": project.region_id,
               "investment": project.investment, "stage": project.stage, "work_team_id": project.work_team_id,
               "transport_unit_id": project.transport_unit_id, "description": project.description,
               "version": project.version}
    form = _project_form(request, data=request.POST or None, initial=initial, editing=True, manager=manager)
    if request.method == "POST" and form.is_valid():
        owner_id = _owner_id(request, form) if manager else project.owner_id
        if owner_id is not None:
            d = form.cleaned_data
            values = {"name": d["name"], "investment": d["investment"], "stage": d["stage"],
                      "description": d["description"]}
            if manager:
                values |= {"owner_id": owner_id, "region_code": d["region_code"], "work_team_id": d["work_team_id"],
                           "transport_unit_id": d["transport_unit_id"]}
            try:
                services.project_update(actor=request.user, project_id=project.pk, values=values,
                                        version=d.get("version"))
            except ValidationError as exc:
                _service_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            except PermissionDenied:
                form.add_error("region_code", _("You may move projects only within your own region."))
            else:
                messages.success(request, _("Changes saved."))
                return redirect("project-detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def work_team(request: HttpRequest, pk: int) -> HttpResponse:
    """Station a commissioner in the work team (``username``) or withdraw one (``remove`` = user id)."""
    project = selectors.project_get(user=request.user, pk=pk)
    if not services.may_manage(request.user, project):
        raise PermissionDenied
    try:
        if request.POST.get("remove"):
            try:
                user_id = int(request.POST["remove"])
            except ValueError:
                user_id = 0
            user = services.work_team_remove(actor=request.user, project_id=project.pk, user_id=user_id)
            messages.success(request, _("%(name)s left the work team.") % {"name": user.display_name})
        else:
            form = TeamMemberForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Enter the commissioner's login."))
                return redirect("project-detail", pk=project.pk)
            user = services.work_team_add(actor=request.user, project_id=project.pk,
                                          username=form.cleaned_data["username"])
            messages.success(request, _("%(name)s joined the work team.") % {"name": user.display_name})
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("project-detail", pk=project.pk)


@login_required
@require_GET
def equipment_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = EquipmentFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = selectors.equipment_list(user=request.user, project_id=project.pk, q=f.get("q") or "",
                                  status=f.get("status") or "", risk_level=f.get("risk") or "",
                                  origin=f.get("origin") or "", country=(f.get("country") or "").upper(),
                                  pending=bool(f.get("pending")))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "projects/equipment_list.html", {
        "project": project, "form": form, "page": page, "query": query.urlencode(),
        "may_change": selectors.may_change(request.user, project), "today": timezone.localdate()})


@login_required
@require_GET
def equipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_or_404(EquipmentItem.objects.select_related("project", "milestone", "responsible_unit",
                                                                  "region"), request.user, access.VIEW, pk=pk)
    return render(request, "projects/equipment_detail.html", {
        "item": item, "project": item.project, "history": selectors.item_history(item),
        "may_change": selectors.may_change(request.user, item.project),
        "risk_form": RiskForm(initial={"risk": item.suggested_risk}),
        "replace_form": ReplaceForm(initial={"origin": item.origin, "country": item.country}),
        "country_name": countries.name(item.country) if item.country else ""})


@login_required
@require_POST
def equipment_arrived(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone check-off: one tap marks the item on site today (htmx swaps the row)."""
    try:
        item = services.equipment_mark_arrived(actor=request.user, item_id=pk)
    except Conflict as exc:
        item = access.get_or_404(EquipmentItem, request.user, access.VIEW, pk=pk)
        if not request.htmx:
            messages.warning(request, exc.message)
    if request.htmx:
        return render(request, "projects/_equipment_row.html", {"item": item, "may_change": True,
                                                                 "project": item.project})
    messages.success(request, _("%(item)s marked as arrived.") % {"item": item.number})
    return redirect(request.POST.get("next") or reverse("equipment-detail", args=[item.pk]))


def _changeable_item(request: HttpRequest, pk: int) -> EquipmentItem:
    """The item, if the user may change its project's ledger (404 unseen, 403 read-only)."""
    item = access.get_or_404(EquipmentItem, request.user, access.VIEW, pk=pk)
    selectors.project_get(user=request.user, pk=item.project_id, action=access.CHANGE)
    return item


@login_required
@require_POST
def equipment_risk(request: HttpRequest, pk: int) -> HttpResponse:
    _changeable_item(request, pk)
    form = RiskForm(request.POST)
    if form.is_valid():
        try:
            services.equipment_set_risk(actor=request.user, item_id=pk, risk_level=form.cleaned_data["risk"],
                                        reason=form.cleaned_data["reason"])
            messages.success(request, _("Risk recorded."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, _("Choose a risk level."))
    return redirect("equipment-detail", pk=pk)


@login_required
@require_POST
def equipment_replace(request: HttpRequest, pk: int) -> HttpResponse:
    _changeable_item(request, pk)
    form = ReplaceForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        values: dict[str, Any] = {"origin": d["origin"], "country": d["country"]}
        if d["origin"] == "domestic":
            values["country"] = ""
        if d["planned_arrival"]:
            values["planned_arrival"] = d["planned_arrival"]
        try:
            services.equipment_replace_supplier(actor=request.user, item_id=pk, supplier=d["supplier"],
                                                reason=d["reason"], values=values)
            messages.success(request, _("Supplier replaced."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, _("Fill in the new supplier and the reason."))
    return redirect("equipment-detail", pk=pk)


@login_required
@require_GET
def risk_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    data = selectors.risk_view(user=request.user, project=project)
    return render(request, "projects/risk.html", {
        **data, "project": project, "may_change": selectors.may_change(request.user, project),
        "note_form": CountryNoteForm()})


@login_required
@require_POST
def country_note(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.project_get(user=request.user, pk=pk, action=access.CHANGE)
    form = CountryNoteForm(request.POST)
    if form.is_valid():
        try:
            services.country_note_save(actor=request.user, project_id=pk, country=form.cleaned_data["country"],
                                       situation=form.cleaned_data["situation"])
            messages.success(request, _("Note saved."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, _("Fill in the country and its situation."))
    return redirect("project-risk", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def equipment_import(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, action=access.CHANGE)

    def run(*, actor: Any, file: Any) -> Any:
        return imports.equipment_import(actor=actor, project_id=project.pk, file=file)

    return import_page(request, run=run, title=_("Import the equipment ledger of %(project)s") % {
        "project": project.name}, template_url=None)


@login_required
@require_GET
def equipment_template(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.project_get(user=request.user, pk=pk, action=access.CHANGE)
    return xlsx_response("equipment-template.xlsx", excel.template_workbook(io.EQUIPMENT_COLUMNS, _("Equipment")))


@login_required
@require_GET
def equipment_export(request: HttpRequest, pk: int) -> HttpResponse:
    return export_response(request.user, selectors.project_get(user=request.user, pk=pk))


def export_response(user: Any, project: KeyProject) -> HttpResponse:
    """The project's equipment ledger as the sites' sheet, streamed row by row (pages and API)."""
    qs = selectors.equipment_list(user=user, project_id=project.pk).select_related(None)
    milestones = dict(Milestone.objects.filter(project=project).values_list("pk", "name"))
    from qifu.organisations.models import Unit

    units = dict(Unit.objects.values_list("pk", "name"))
    response = xlsx_response(f"equipment-{project.code}.xlsx")
    rows = (io.export_row(i, milestones, units) for i in qs.iterator(chunk_size=2000))
    excel.write_workbook(io.EQUIPMENT_COLUMNS, rows, _("Equipment"), out=response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def logistics_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, action=access.CHANGE)
    form = LogisticsForm(request.POST or None, initial={"items": request.GET.get("items", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        numbers = [n.strip() for n in (d["items"] or "").replace("，", ",").split(",") if n.strip()]
        ids = dict(EquipmentItem.objects.filter(project=project, number__in=numbers).values_list("number", "pk"))
        missing = [n for n in numbers if n not in ids]
        if missing:
            form.add_error("items", _("Not in this project's ledger: %(items)s") % {"items": ", ".join(missing)})
        else:
            try:
                req = services.logistics_request_create(actor=request.user, data=services.LogisticsInput(
                    project_id=project.pk, kind=d["kind"], title=d["title"], description=d["description"],
                    location=d["location"], needed_at=d["needed_at"], item_ids=list(ids.values())))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Request recorded as ledger problem %(number)s.") % {
                    "number": req.problem.number})
                return redirect("problem-detail", pk=req.problem_id)
    return render(request, "projects/logistics_form.html", {"form": form, "project": project},
                  status=400 if request.method == "POST" else 200)


# --- vehicle passes ----------------------------------------------------------------------------------------


@login_required
@require_GET
def pass_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = selectors.pass_list(user=request.user, status=status if status in PassStatus.values else "",
                             q=request.GET.get("q", "")[:20])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "projects/pass_list.html", {
        "page": page, "status": status, "statuses": PassStatus.choices, "q": request.GET.get("q", ""),
        "query": query.urlencode(), "may_apply": access.can(request.user, "pass.apply")})


@login_required
@require_http_methods(["GET", "POST"])
def pass_apply(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "pass.apply"):
        raise PermissionDenied
    enterprises = list(Enterprise.objects.restrict(request.user, access.CHANGE).order_by("name")
                       .values_list("pk", "name")[:500])
    projects = list(KeyProject.objects.filter(transport_unit__isnull=False).values_list("pk", "name"))
    today = timezone.localdate()
    form = PassForm(request.POST or None, projects=projects, enterprises=enterprises,
                    initial={"valid_from": today, "valid_until": today + timedelta(days=30)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            vp = services.pass_apply(actor=request.user, data=services.PassInput(
                project_id=d["project"], enterprise_id=d["enterprise"], plate=d["plate"],
                vehicle_type=d["vehicle_type"], driver_name=d["driver_name"], driver_phone=d["driver_phone"],
                route=d["route"], purpose=d["purpose"], valid_from=d["valid_from"], valid_until=d["valid_until"]))
        except ValidationError as exc:
            add_service_errors(form, ValidationError({{"project_id": "project", "enterprise_id": "enterprise"}.get(
                k, k): v for k, v in exc.error_dict.items()}) if hasattr(exc, "error_dict") else exc)
        else:
            messages.success(request, _("Application %(number)s submitted.") % {"number": vp.number})
            return redirect("pass-detail", pk=vp.pk)
    return render(request, "projects/pass_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _verify_url(request: HttpRequest, vp: VehiclePass) -> str:
    return request.build_absolute_uri(reverse("pass-check", args=[services.pass_token(vp)]))


@login_required
@require_GET
def pass_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vp = access.get_or_404(VehiclePass.objects.select_related("enterprise", "project", "authority"),
                           request.user, access.VIEW, pk=pk)
    approved = vp.status == PassStatus.APPROVED
    url = _verify_url(request, vp) if approved else ""
    return render(request, "projects/pass_detail.html", {
        "vp": vp, "qr": printing.qr_svg(url) if approved else "", "verify_url": url,
        "may_decide": selectors.may_decide(request.user, vp), "form": DecideForm()})


@login_required
@require_POST
def pass_decide(request: HttpRequest, pk: int) -> HttpResponse:
    form = DecideForm(request.POST)
    if not form.is_valid():
        access.get_or_404(VehiclePass, request.user, access.CHANGE, pk=pk)
        messages.error(request, _("Choose a decision."))
        return redirect("pass-detail", pk=pk)
    decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
    try:
        if decision == "revoke":
            services.pass_revoke(actor=request.user, pass_id=pk, reason=reason)
        else:
            services.pass_decide(actor=request.user, pass_id=pk, approve=decision == "approve", reason=reason)
        messages.success(request, _("Decision recorded."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("pass-detail", pk=pk)


@login_required
@require_GET
def pass_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    vp = access.get_or_404(VehiclePass.objects.select_related("enterprise", "project", "authority"),
                           request.user, access.VIEW, pk=pk)
    if vp.status != PassStatus.APPROVED:
        raise PermissionDenied
    response = HttpResponse(printing.pass_pdf(vp, _verify_url(request, vp)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pass-{vp.number}.pdf"'
    return response


@never_cache
@require_GET
def pass_check(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what a checkpoint officer's phone shows after scanning a pass (no sign-in)."""
    result = selectors.pass_check(token, today=timezone.localdate())
    response = render(request, "projects/pass_check.html", {"check": result})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _item_values(form: EquipmentForm) -> dict[str, Any]:
    d = form.cleaned_data
    values = {k: v for k, v in d.items() if k != "version"}
    values["milestone"] = d.get("milestone") or ""
    values["responsible_unit"] = d.get("responsible_unit") or ""
    return values


@login_required
@require_http_methods(["GET", "POST"])
def equipment_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, action=access.CHANGE)
    milestones = list(Milestone.objects.filter(project=project).values_list("pk", "name"))
    form = EquipmentForm(request.POST or None, milestones=milestones, editing=False)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.equipment_save(actor=request.user, project_id=project.pk, values=_item_values(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(item)s added.") % {"item": item.number})
            return redirect("equipment-detail", pk=item.pk)
    return render(request, "projects/equipment_form.html", {"form": form, "project": project, "item": None},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def equipment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _changeable_item(request, pk)
    milestones = list(Milestone.objects.filter(project_id=item.project_id).values_list("pk", "name"))
    initial = {f: getattr(item, f) for f in ("number", "name", "specification", "quantity", "origin", "country",
                                             "contract_value", "contract_delivery", "planned_arrival",
                                             "actual_arrival", "transport_mode", "route", "status",
                                             "foreign_technicians", "outside_technicians", "difficulty",
                                             "measures", "version")}
    initial |= {"region": item.region_id or "", "milestone": str(item.milestone_id or ""),
                "responsible_unit": item.responsible_unit.name if item.responsible_unit_id else ""}
    form = EquipmentForm(request.POST or None, initial=initial, milestones=milestones, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.equipment_save(actor=request.user, project_id=item.project_id, item_id=item.pk,
                                    version=form.cleaned_data.get("version"), values=_item_values(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("equipment-detail", pk=item.pk)
    return render(request, "projects/equipment_form.html", {"form": form, "project": item.project, "item": item},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def milestone_save(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, action=access.CHANGE)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        existing = d.get("milestone_id") or Milestone.objects.filter(
            project=project, name=d["name"]).values_list("pk", flat=True).first()
        try:
            services.milestone_save(actor=request.user, project_id=project.pk, name=d["name"],
                                    planned_date=d["planned_date"], actual_date=d["actual_date"],
                                    milestone_id=existing)
            messages.success(request, _("Milestone saved."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, _("Fill in the milestone's name and planned date."))
    return redirect("project-detail", pk=project.pk)
