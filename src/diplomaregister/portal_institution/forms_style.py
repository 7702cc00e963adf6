"""NL Design System classes on Django form widgets, so every input, select and textarea of the
institution portal is styled (``utrecht-textbox``, ``utrecht-select``, ``utrecht-textarea``) and
tells assistive technology when it is invalid."""

from __future__ import annotations

from django import forms

CLASSES = {
    forms.Select: "utrecht-select",
    forms.Textarea: "utrecht-textarea",
    forms.ClearableFileInput: "utrecht-textbox",
    forms.FileInput: "utrecht-textbox",
}


def styled(form: forms.Form) -> forms.Form:
    for name, field in form.fields.items():
        widget = field.widget
        css = next(
            (c for kind, c in CLASSES.items() if isinstance(widget, kind)), "utrecht-textbox"
        )
        if isinstance(widget, forms.HiddenInput):
            continue
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if form.is_bound and form.errors.get(name):
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{form[name].id_for_label}-error"
    return form
