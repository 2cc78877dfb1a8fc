"""The daily status form (on a phone) and the dashboard's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qifu.core.forms import DateInput

from .choices import Obstacle, ResumptionStatus
from .selectors import DRILL_KINDS


class ReportForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=ResumptionStatus.choices, widget=forms.RadioSelect)
    employees_expected = forms.IntegerField(label=_("Employees expected"), min_value=0,
                                            widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    employees_on_duty = forms.IntegerField(label=_("Employees on duty"), min_value=0,
                                           widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    capacity = forms.IntegerField(label=_("Capacity utilisation (%)"), min_value=0,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    obstacle = forms.ChoiceField(label=_("Main obstacle"), choices=Obstacle.choices, required=False)
    problem = forms.TypedChoiceField(label=_("Ledger problem"), required=False, coerce=int, empty_value=None)
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Required when more employees are on duty than expected."))

    def __init__(self, *args: Any, problems: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = [("", "—")] + [(p.pk, f"{p.number} {p.title}") for p in problems]


class DashboardForm(forms.Form):
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    region = forms.CharField(label=_("Region code"), required=False, max_length=6)


class DrillForm(DashboardForm):
    kind = forms.ChoiceField(choices=[(k, k) for k in DRILL_KINDS], required=False)
    district = forms.CharField(required=False, max_length=6)
    industry = forms.CharField(required=False, max_length=2)
