"""Forms of the supply-chain pages: one supply link, added to a plant's network or edited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class LinkForm(forms.Form):
    """A link's fields (the services validate them again: the same rules as the API and the import)."""

    part = forms.CharField(label=_("Parts or materials"), max_length=128)
    critical = forms.BooleanField(label=_("Critical: without it the buyer's production stops"), required=False)
    stock_days = forms.DecimalField(label=_("The buyer's stock (days)"), min_value=0, max_value=3650,
                                    max_digits=6, decimal_places=1)
    has_alternative = forms.BooleanField(label=_("An alternative source exists"), required=False)
    alternative_lead_days = forms.DecimalField(label=_("Alternative lead time (days)"), min_value=0, max_value=3650,
                                               max_digits=6, decimal_places=1, required=False)
    share = forms.IntegerField(label=_("Share of the buyer's need (%)"), min_value=0, max_value=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NewLinkForm(LinkForm):
    """A new link of the plant's network: which buyer (the plant or one of its suppliers) and which supplier."""

    buyer = forms.TypedChoiceField(label=_("Buyer"), coerce=int)
    supplier_credit_code = forms.CharField(
        label=_("Supplier credit code"), max_length=24,
        help_text=_("The supplier must be on the platform; a supplier outside it is added by importing the "
                    "supplier list."))

    field_order = ["buyer", "supplier_credit_code", "part", "critical", "stock_days", "has_alternative",
                   "alternative_lead_days", "share"]

    def __init__(self, *args: Any, buyers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buyer"].choices = buyers
        self.order_fields(self.field_order)
