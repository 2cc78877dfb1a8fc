"""Forms of the key-project pages (parsing only; the services validate)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qifu.core.forms import DateInput, DateTimeInput

from .choices import (
    EquipmentStatus,
    LogisticsKind,
    Origin,
    PassPurpose,
    Risk,
    Stage,
    TransportMode,
    VehicleType,
)


class EquipmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("open", _("Not yet on site")), *EquipmentStatus.choices])
    risk = forms.ChoiceField(label=_("Risk"), required=False, choices=[
        ("", _("All")), ("at_risk", _("Delay or major risk")), *Risk.choices])
    origin = forms.ChoiceField(label=_("Origin"), required=False, choices=[("", _("All")), *Origin.choices])
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    pending = forms.BooleanField(label=_("Suggestion differs"), required=False)


class RiskForm(forms.Form):
    risk = forms.ChoiceField(label=_("Risk"), choices=Risk.choices)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReplaceForm(forms.Form):
    supplier = forms.CharField(label=_("New supplier"), max_length=128)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices)
    country = forms.CharField(label=_("Country"), required=False, max_length=40)
    planned_arrival = forms.DateField(label=_("Planned arrival"), required=False,
                                      widget=DateInput())


class CountryNoteForm(forms.Form):
    country = forms.CharField(label=_("Country"), max_length=40)
    situation = forms.CharField(label=_("Situation"), widget=forms.Textarea(attrs={"rows": 2}))


class LogisticsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LogisticsKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    location = forms.CharField(label=_("Location"), required=False, max_length=128)
    needed_at = forms.DateTimeField(label=_("Needed at"), required=False,
                                    widget=DateTimeInput())
    items = forms.CharField(label=_("Item numbers"), required=False,
                            help_text=_("Item numbers of the equipment concerned, separated by commas."))


class PassForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Key project"), coerce=int)
    enterprise = forms.TypedChoiceField(label=_("Enterprise"), coerce=int)
    plate = forms.CharField(label=_("Plate number"), max_length=12)
    vehicle_type = forms.ChoiceField(label=_("Vehicle type"), choices=VehicleType.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=PassPurpose.choices)
    driver_name = forms.CharField(label=_("Driver"), max_length=32)
    driver_phone = forms.CharField(label=_("Driver's phone"), max_length=20, required=False)
    route = forms.CharField(label=_("Route"), max_length=200)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput())

    def __init__(self, *args: object, projects: list[tuple[int, str]], enterprises: list[tuple[int, str]],
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["project"].choices = projects
        self.fields["enterprise"].choices = enterprises


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse")), ("revoke", _("Revoke"))])
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EquipmentForm(forms.Form):
    """An item as the team types it; values go to the service as typed (it parses and validates them)."""

    number = forms.CharField(label=_("Item number"), max_length=32)
    name = forms.CharField(label=_("Equipment name"), max_length=128)
    specification = forms.CharField(label=_("Specification / model"), max_length=128, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    supplier = forms.CharField(label=_("Supplier"), max_length=128)
    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices)
    region = forms.CharField(label=_("Region code"), max_length=6, required=False)
    country = forms.CharField(label=_("Country"), max_length=40, required=False)
    contract_value = forms.DecimalField(label=_("Contract value (yuan)"), max_digits=16, decimal_places=2,
                                        required=False)
    contract_delivery = forms.DateField(label=_("Contract delivery date"), required=False,
                                        widget=DateInput())
    planned_arrival = forms.DateField(label=_("Planned arrival"), required=False,
                                      widget=DateInput())
    actual_arrival = forms.DateField(label=_("Actual arrival"), required=False,
                                     widget=DateInput())
    transport_mode = forms.ChoiceField(label=_("Transport mode"), choices=[("", "—"), *TransportMode.choices],
                                       required=False)
    route = forms.CharField(label=_("Route"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=EquipmentStatus.choices)
    foreign_technicians = forms.BooleanField(label=_("Foreign technicians needed"), required=False)
    outside_technicians = forms.BooleanField(label=_("Out-of-town technicians needed"), required=False)
    difficulty = forms.CharField(label=_("Difficulty"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label=_("Measures"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    milestone = forms.ChoiceField(label=_("Gated milestone"), required=False)
    responsible_unit = forms.CharField(label=_("Responsible unit"), max_length=128, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, milestones: list[tuple[int, str]], editing: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["milestone"].choices = [("", "—"), *((str(pk), name) for pk, name in milestones)]
        if editing:  # a new supplier is a replacement, recorded as such (its own form)
            del self.fields["supplier"]


class MilestoneForm(forms.Form):
    milestone_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Milestone"), max_length=64)
    planned_date = forms.DateField(label=_("Planned date"), widget=DateInput())
    actual_date = forms.DateField(label=_("Actual date"), required=False,
                                  widget=DateInput())

    def __init__(self, *args: object, form_id: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if form_id:  # one row of the milestones table: its inputs belong to the row's form element
            for field in self.fields.values():
                field.widget.attrs["form"] = form_id


class ProjectForm(forms.Form):
    """A key project's page form; ``owner`` is typed as the credit code or the exact name of the enterprise."""

    code = forms.CharField(label=_("Code"), max_length=32,
                           help_text=_("Letters, digits and hyphens, e.g. gulei-refinery; never changes."))
    name = forms.CharField(label=_("Project name"), max_length=128)
    owner = forms.CharField(label=_("Owner enterprise"), max_length=128,
                            help_text=_("Unified social credit code or the exact name."))
    region_code = forms.CharField(label=_("Region code (GB/T 2260)"), max_length=6)
    investment = forms.DecimalField(label=_("Investment (yuan)"), max_digits=16, decimal_places=2, min_value=0)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    work_team_id = forms.TypedChoiceField(label=_("Work team"), required=False, coerce=int, empty_value=None)
    work_team_name = forms.CharField(label=_("or a new work team named"), required=False, max_length=128)
    transport_unit_id = forms.TypedChoiceField(label=_("Transport department (decides vehicle passes)"),
                                               required=False, coerce=int, empty_value=None)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, teams: list[tuple[int, str]], departments: list[tuple[int, str]],
                 editing: bool, manager: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["work_team_id"].choices = [("", "—"), *teams]
        self.fields["transport_unit_id"].choices = [("", "—"), *departments]
        if editing:
            del self.fields["code"]
            del self.fields["work_team_name"]
            if not manager:  # who owns and staffs the project: its registrars only
                for key in ("owner", "region_code", "work_team_id", "transport_unit_id"):
                    self.fields[key].disabled = True


class TeamMemberForm(forms.Form):
    username = forms.CharField(label=_("Login of the commissioner"), max_length=150)
