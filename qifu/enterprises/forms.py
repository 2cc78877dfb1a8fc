"""Forms for enterprise pages. They parse input only; services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qifu.organisations.choices import IndustryLevel
from qifu.organisations.models import Industry


class RegionField(forms.CharField):
    """A GB/T 2260 code chosen with the cascading province → city → county selects."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)


def _division_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for ind in Industry.objects.order_by("code"):
        if ind.level == IndustryLevel.SECTION:
            names[ind.code] = f"{ind.code} {ind.name}"
        else:
            groups.setdefault(ind.parent_id or "", []).append((ind.code, f"{ind.code} {ind.name}"))
    return [(names.get(sec, sec), opts) for sec, opts in groups.items()]


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128)
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=24, help_text=_("18 characters, GB 32100-2015.")
    )
    region = RegionField(label=_("Region"))
    industry = forms.ChoiceField(label=_("Industry (GB/T 4754-2017 division)"))
    above_scale = forms.BooleanField(label=_("Above designated size"), required=False)
    key_enterprise = forms.BooleanField(label=_("Key enterprise"), required=False)
    is_external = forms.BooleanField(label=_("Outside our jurisdiction"), required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    headcount = forms.IntegerField(label=_("Headcount"), min_value=0, required=False)
    annual_output = forms.DecimalField(label=_("Annual output (10,000 yuan)"), min_value=0, max_digits=14,
                                       decimal_places=1, required=False,
                                       help_text=_("The last year's output value; empty if unknown."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, limited_to: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", "—"), *_division_choices()]
        # Contacts and commissioners change only these; the rest is shown read-only.
        if limited_to is not None:
            for name, field in self.fields.items():
                if name not in limited_to and name != "version":
                    field.disabled = True
                    field.required = False


class AssignForm(forms.Form):
    commissioner = forms.ChoiceField(label=_("Commissioner"))
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def __init__(self, *args: Any, candidates: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].choices = [("", "—")] + [
            (str(u.pk), f"{u.display_name} · {u.unit or ''} ({u.serving})") for u in candidates
        ]


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    position = forms.CharField(label=_("Position"), max_length=64, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    region = forms.CharField(label=_("Region code"), required=False, max_length=6)
    industry = forms.CharField(label=_("Industry"), required=False, max_length=2)
    key_only = forms.BooleanField(label=_("Key enterprises only"), required=False)
    without_commissioner = forms.BooleanField(label=_("Without a commissioner"), required=False)
