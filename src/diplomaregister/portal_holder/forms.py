from django import forms
from django.utils.translation import gettext_lazy as _

from diplomaregister.portal_holder.services import DEFAULT_DAYS, VALIDITY_CHOICES

VALIDITY_LABELS = {
    1: _("1 day"), 7: _("1 week"), 30: _("30 days"), 90: _("3 months"), 180: _("6 months"),
    365: _("1 year"),
}  # fmt: skip


class ShareForm(forms.Form):
    diplomas = forms.TypedMultipleChoiceField(
        coerce=int, label=_("Diplomas to share"), widget=forms.CheckboxSelectMultiple
    )
    with_grades = forms.BooleanField(
        required=False, initial=True, label=_("Share the grades (cijferlijst) too")
    )
    days = forms.TypedChoiceField(
        coerce=int, initial=DEFAULT_DAYS, label=_("Valid for"),
        choices=[(d, VALIDITY_LABELS[d]) for d in VALIDITY_CHOICES],
    )  # fmt: skip
    pin = forms.RegexField(
        regex=r"^[0-9]{4,8}$", required=False, label=_("PIN (optional, 4 to 8 digits)"),
        error_messages={"invalid": _("A PIN has 4 to 8 digits.")},
    )  # fmt: skip
    label = forms.CharField(max_length=100, required=False, label=_("Note for yourself"))

    def __init__(self, *args, choices=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["diplomas"].choices = choices


class EmailLinkForm(forms.Form):
    email = forms.EmailField(label=_("Send the link to (e-mail address)"), max_length=254)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


class PinForm(forms.Form):
    pin = forms.CharField(label=_("PIN"), max_length=8)


class NoticeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=[
            ("each", _("At once, for each look-up")),
            ("daily", _("Once a day, all together")),
        ],
        widget=forms.RadioSelect,
        initial="each",
    )


class CorrectionForm(forms.Form):
    """ "Is something wrong?": what the holder tells the awarding institution."""

    message = forms.CharField(
        label=_("Tell the institution that awarded this diploma what is wrong"),
        min_length=5, max_length=2000, strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        error_messages={
            "required": _("Describe what is wrong in 5 to 2000 characters."),
            "min_length": _("Describe what is wrong in 5 to 2000 characters."),
            "max_length": _("Describe what is wrong in 5 to 2000 characters."),
        },
    )  # fmt: skip
