"""Forms of the organisation app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Sign-in; in production the development demo password never works unless set explicitly."""

    def clean(self) -> dict[str, Any]:
        password = self.cleaned_data.get("password")
        if (
            settings.PRODUCTION
            and password == settings.DEMO_PASSWORD_DEFAULT
            and settings.DEMO_PASSWORD != settings.DEMO_PASSWORD_DEFAULT
        ):
            raise forms.ValidationError(_("This password is not allowed in production."), code="demo_password")
        return super().clean()
