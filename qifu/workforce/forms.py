"""Forms of the workforce pages; the services do the validation that matters (same rules as the API)."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qifu.core.forms import DateInput, DateTimeInput

from .choices import HealthStatus, HealthStepKind, StepResult

SHUTTLE_LINE = re.compile(r"^(?P<lodging>[^,，]+)[,，]\s*(?P<departs>\d{1,2}:\d{2})\s*[,，]\s*(?P<returns>\d{1,2}:\d{2})?\s*"
                          r"[,，]\s*(?P<seats>\d+)\s*$")


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))  # ValueError when out of range


class PlanForm(forms.Form):
    date = forms.DateField(label=_("Travel date"), widget=DateInput())
    seats = forms.IntegerField(label=_("Seats per bus"), initial=45, min_value=2, max_value=80,
                               help_text=_("Each bus carries at most half its seats (the 2020 rule)."))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=(("approve", _("Approve")), ("reject", _("Reject"))))
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=(
        ("transport", _("Transport we cannot arrange")), ("lodging", _("Lodging refused"))))
    title = forms.CharField(label=_("Title"), max_length=200)
    origin = forms.CharField(label=_("Origin code"), max_length=6, required=False)
    workers = forms.IntegerField(label=_("Workers"), min_value=1, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class HealthEventForm(forms.Form):
    person_name = forms.CharField(label=_("Name"), max_length=64)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
    customers = forms.CharField(label=_("Plants it supplies (enterprise IDs, comma separated)"), required=False)

    def clean_customers(self) -> list[int]:
        raw = self.cleaned_data.get("customers") or ""
        try:
            return [int(x) for x in raw.replace("，", ",").split(",") if x.strip()]
        except ValueError:
            raise forms.ValidationError(_("Enter enterprise IDs separated by commas.")) from None


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=HealthStepKind.choices)
    at = forms.DateTimeField(label=_("Time"), widget=DateTimeInput())
    result = forms.ChoiceField(label=_("Result"), choices=StepResult.choices)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class CloseForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[
        (HealthStatus.CLEARED.value, HealthStatus.CLEARED.label),
        (HealthStatus.CONFIRMED.value, HealthStatus.CONFIRMED.label)])
    outcome = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 2}))


class RuleForm(forms.Form):
    rule = forms.CharField(label=_("Agreed lodging rule"), widget=forms.Textarea(attrs={"rows": 3}))
    problem = forms.CharField(label=_("Ledger problem number"), max_length=32, required=False,
                              help_text=_("The problem the rule settled, e.g. towns refusing lodging."))
    shuttles = forms.CharField(label=_("Daily shuttles"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                               help_text=_("One per line: lodging, departs, returns, seats (e.g. 杜浔镇集中住宿点, "
                                           "06:30, 18:30, 45)."))

    def clean_problem(self) -> str:
        from qifu.ledger.models import Problem

        number = (self.cleaned_data.get("problem") or "").strip().upper()
        self.cleaned_data["problem_id"] = None
        if number:
            problem = Problem.objects.filter(number=number).only("pk").first()
            if problem is None:
                raise forms.ValidationError(_("No ledger problem has this number."))
            self.cleaned_data["problem_id"] = problem.pk
        return number

    def clean_shuttles(self) -> list[Any]:
        from .services import ShuttleInput

        shuttles, errors = [], []
        for n, line in enumerate((self.cleaned_data.get("shuttles") or "").splitlines(), start=1):
            if not line.strip():
                continue
            m = SHUTTLE_LINE.match(line.strip())
            try:
                if m is None:
                    raise ValueError
                departs = _clock(m["departs"])
                returns = _clock(m["returns"]) if m["returns"] else None
            except ValueError:
                errors.append(_("Line %(n)d: write lodging, departs, returns, seats.") % {"n": n})
                continue
            shuttles.append(ShuttleInput(m["lodging"].strip(), departs, int(m["seats"]), returns))
        if errors:
            raise forms.ValidationError(errors)
        return shuttles

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data.setdefault("problem_id", None)
        return data
