"""Forms for the ledger pages: parsing only; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qifu.core.forms import DateInput, DateTimeInput

from .choices import (
    Channel,
    Nature,
    Priority,
    Rating,
    ResolutionType,
    ReturnKind,
    Status,
    Tier,
    WarningColour,
)


class ProblemForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("problem", "Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    category = forms.ChoiceField(label=_("Category"))
    nature = forms.ChoiceField(label=_("Nature"), choices=Nature.choices, initial=Nature.INDIVIDUAL)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    channel = forms.ChoiceField(label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.IMPORT])
    crisis_mode = forms.BooleanField(label=_("24-hour clock (urgent)"), required=False)

    def __init__(self, *args: Any, categories: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [(str(c.pk), c.name) for c in categories]


class ProblemFilterForm(forms.Form):
    q = forms.CharField(required=False)
    region = forms.CharField(required=False, max_length=6)
    status = forms.ChoiceField(required=False, choices=[("", _("Any status")), ("open", _("Open")), *Status.choices])
    tier = forms.ChoiceField(required=False, choices=[("", _("Any tier")), *Tier.choices])
    nature = forms.ChoiceField(required=False, choices=[("", _("Any nature")), *Nature.choices])
    warning = forms.ChoiceField(
        required=False, choices=[("", _("Any warning")), *[c for c in WarningColour.choices if c[0]]]
    )
    category = forms.CharField(required=False)
    enterprise_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reported_from = forms.DateField(required=False, widget=DateInput())
    reported_to = forms.DateField(required=False, widget=DateInput())
    sort = forms.ChoiceField(
        required=False,
        choices=[("reported", _("Newest first")), ("deadline", _("Deadline")), ("number", _("Ledger number"))],
    )


class ResolveForm(forms.Form):
    resolution_type = forms.ChoiceField(label=_("Result"), choices=ResolutionType.choices)
    resolution = forms.CharField(label=_("How it was resolved"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(ReasonForm):
    kind = forms.ChoiceField(label=_("Why it goes back"), choices=ReturnKind.choices)


class ConfirmForm(forms.Form):
    rating = forms.ChoiceField(label=_("Your rating"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ProgressForm(forms.Form):
    progress = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label=_("Next step"), required=False)
    blocker = forms.CharField(label=_("Blocker"), required=False)


class MessageForm(forms.Form):
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 2}))


class DispatchForm(forms.Form):
    units = forms.MultipleChoiceField(label=_("Responsible units"), widget=forms.CheckboxSelectMultiple)
    deadline_days = forms.IntegerField(label=_("Working days to resolve"), min_value=1, max_value=60, required=False)
    instructions = forms.CharField(label=pgettext_lazy("dispatch", "Instructions"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, units: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(str(u.pk), u.name) for u in units]


class ExtensionRequestForm(forms.Form):
    new_deadline = forms.DateTimeField(
        label=_("New deadline"), widget=DateTimeInput(),
        help_text=_("Asia/Shanghai time; the tier above decides."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("grant", _("Grant")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class IdListField(forms.Field):
    """Several ids from repeated parameters (checkboxes): ?problems=1&problems=2."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            return sorted({int(v) for v in value or []})
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Not a valid selection.")) from exc


class MergeForm(forms.Form):
    """Merge the chosen problems into a new common problem, or into one that is still open (``parent``)."""

    problems = IdListField(label=_("Problems"))
    parent = forms.TypedChoiceField(label=_("Add to a common problem"), coerce=int, empty_value=None,
                                    required=False)
    title = forms.CharField(label=pgettext_lazy("problem", "Title"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, categories: Any = (), parents: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [(str(c.pk), c.name) for c in categories]
        self.fields["parent"].choices = [("", _("— a new common problem —"))] + [
            (str(p.pk), f"{p.number} {p.title}") for p in parents
        ]
