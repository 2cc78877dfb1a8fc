"""Date pickers show the date a form holds in Chinese too: a browser's date input only takes ISO dates, and the
Chinese format (2020/02/10) would leave it empty, so a re-shown form would lose what the user entered."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

from django import forms
from django.utils import translation

import qifu
from qifu.core.forms import DateInput, DateTimeInput


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for info in pkgutil.walk_packages(qifu.__path__, "qifu."):
        if info.name.endswith(".forms"):
            module = importlib.import_module(info.name)
            found += [c for _n, c in inspect.getmembers(module, inspect.isclass)
                      if issubclass(c, forms.BaseForm) and c.__module__ == module.__name__]
    return found


def test_every_date_field_uses_an_iso_picker() -> None:
    classes = _form_classes()
    assert len(classes) > 20
    wrong = []
    for cls in classes:
        for name, field in getattr(cls, "base_fields", {}).items():
            if isinstance(field, forms.DateTimeField) and not isinstance(field.widget, DateTimeInput | forms.HiddenInput) or isinstance(field, forms.DateField) and not isinstance(field.widget, DateInput | forms.HiddenInput):
                wrong.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert wrong == []


def test_a_date_survives_a_chinese_rerender() -> None:
    class Form(forms.Form):
        day = forms.DateField(widget=DateInput())
        at = forms.DateTimeField(widget=DateTimeInput())

    with translation.override("zh-hans"):
        html = str(Form(initial={"day": dt.date(2020, 2, 10), "at": dt.datetime(2020, 2, 10, 1, 30)}))
        bound = str(Form(data={"day": "2020-02-10", "at": "2020-02-10T01:30"}))
    assert 'type="date"' in html and 'value="2020-02-10"' in html
    assert 'type="datetime-local"' in html and 'value="2020-02-10T01:30"' in html
    assert 'value="2020-02-10"' in bound and 'value="2020-02-10T01:30"' in bound
