"""Glue between services' errors and Django forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on fields, the rest at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for err in errors:
                form.add_error(target, err.messages if hasattr(err, "messages") else str(err))
    else:
        form.add_error(None, exc.messages)


class ImportForm(forms.Form):
    """The upload of an Excel file for an all-or-nothing import."""

    file = forms.FileField(label=_("Excel file (.xlsx)"))


class DateInput(forms.DateInput):
    """A browser date picker. It only understands ISO dates, so the value is never rendered in the locale's format
    (in Chinese that is 2020/02/10, which the picker drops: a re-shown form would lose the date the user entered)."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker, with ISO values for the same reason as DateInput."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
