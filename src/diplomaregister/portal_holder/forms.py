from django import forms
from django.utils.translation import gettext_lazy as _

from diplomaregister.portal_holder.services import DEFAULT_DAYS, MAX_DAYS


class ShareForm(forms.Form):
    diplomas = forms.TypedMultipleChoiceField(
        coerce=int, label=_("Diplomas to share"), widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(
        min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS, label=_("Valid for (days)")
    )
    label = forms.CharField(max_length=100, required=False, label=_("Note for yourself"))

    def __init__(self, *args, choices=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["diplomas"].choices = choices


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
