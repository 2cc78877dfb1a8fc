"""Forms of the cooperation pages (parsing only; the services validate)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qifu.core.forms import DateInput

from .choices import Kind, ListingStatus


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + list(Kind.choices))
    category = forms.CharField(label=_("Product category"), required=False, max_length=60)
    region = forms.CharField(label=_("Region code"), required=False, max_length=6)
    valid_on = forms.DateField(label=_("Valid on"), required=False, widget=DateInput())
    # published and matched by default; other states show what the user may see (own drafts; for
    # administrators, removed listings to review and restore)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Open"))] + list(ListingStatus.choices))


class ListingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.CharField(label=_("Product category"), max_length=60,
                               help_text=_("For example: protective supplies / masks"))
    industry = forms.CharField(label=_("Industry code (GB/T 4754)"), max_length=2, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    spec = forms.CharField(label=_("Specification or part number"), max_length=200, required=False)
    quantity = forms.CharField(label=_("Quantity"), required=False, max_length=20)
    unit = forms.CharField(label=_("Unit"), max_length=12, required=False)
    price_terms = forms.CharField(label=_("Price terms"), max_length=200, required=False)
    region = forms.CharField(label=_("Region code"), max_length=6)
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput())
    contact_name = forms.CharField(label=_("Contact person"), max_length=64)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DealForm(forms.Form):
    quantity = forms.CharField(label=_("Quantity"), max_length=20)
    value = forms.CharField(label=_("Value (yuan)"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("Photo"))
