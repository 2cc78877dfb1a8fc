"""Forms of the workforce pages; the services do the validation that matters (same rules as the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import HealthStatus, HealthStepKind, StepResult


class PlanForm(forms.Form):
    date = forms.DateField(label=_("Travel date"), widget=forms.DateInput(attrs={"type": "date"}))
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
    at = forms.DateTimeField(label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    result = forms.ChoiceField(label=_("Result"), choices=StepResult.choices)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class CloseForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[
        (HealthStatus.CLEARED.value, HealthStatus.CLEARED.label),
        (HealthStatus.CONFIRMED.value, HealthStatus.CONFIRMED.label)])
    outcome = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 2}))
