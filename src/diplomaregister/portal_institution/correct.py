"""'Correct now': the awarding institution corrects a document from a correction request by
delivering it again, through the one pipeline (``levering.pipeline``), as a delivery of one record.

The form is filled with what the institution may see of the document (basis ``art53_2``: the
institution that awarded it, through the disclosure engine, logged). A delivery replaces the whole
document: fields the form does not show (``bekostigd``, ``overige_gegevens``, the extended fields
of issue 13) go in "other fields" as JSON, or are delivered empty.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from diplomaregister.levering import pipeline
from diplomaregister.levering.models import Delivery
from diplomaregister.organisations.models import Organisation
from diplomaregister.portal_institution.models import CorrectionRequest
from diplomaregister.verstrekking.engine import Disclosure, Requester, disclose

DOCUMENT_FIELDS = ("kind", "date_of_issue", "exam_date", "programme_code", "ho_degree",
                   "ho_exam_type", "mbo_level", "mbo_leerweg", "vo_profile", "vo_leerweg")  # fmt: skip
PERSON_FIELDS = ("pgn", "family_name", "given_names", "gender", "birth_date")
FORM_FIELDS = (*PERSON_FIELDS, *DOCUMENT_FIELDS, "grades", "status", "diploma_id")


def current(requester: Requester, req: CorrectionRequest) -> Disclosure:
    """The document as the register holds it now (raises ``NotDisclosed``)."""
    return disclose(requester=requester, basis="art53_2", subject=req.person,
                    channel="institution_portal", diploma_ids=[req.diploma_id],
                    fields=FORM_FIELDS)  # fmt: skip


class CorrectForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=200)
    given_names = forms.CharField(label=_("Given names"), max_length=200, required=False)
    birth_date = forms.DateField(label=_("Date of birth"))
    gender = forms.CharField(label=_("Gender (M, V or X)"), max_length=1, required=False)
    kind = forms.CharField(label=_("Document kind (art. 16)"), max_length=4)
    date_of_issue = forms.DateField(label=_("Date of issue"))
    exam_date = forms.DateField(label=_("Exam date"), required=False)
    programme_code = forms.CharField(label=_("Programme code"), max_length=32, required=False)
    ho_degree = forms.CharField(label=_("Degree"), max_length=64, required=False)
    ho_exam_type = forms.CharField(label=_("Exam type"), max_length=16, required=False)
    mbo_level = forms.IntegerField(label=_("MBO level"), required=False, min_value=1, max_value=4)
    mbo_leerweg = forms.CharField(label=_("MBO pathway"), max_length=8, required=False)
    vo_profile = forms.CharField(label=_("Profile"), max_length=32, required=False)
    vo_leerweg = forms.CharField(label=_("VO track"), max_length=8, required=False)
    grades = forms.CharField(
        label=_("Grades: one subject a line, code;name;school exam;central exam;final grade"),
        widget=forms.Textarea(attrs={"rows": 6}), required=False,
    )  # fmt: skip
    other = forms.CharField(
        label=_("Other fields (JSON object, optional)"), widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )  # fmt: skip
    answer = forms.CharField(
        label=_("Answer to the holder"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def clean_other(self) -> dict[str, Any]:
        text = self.cleaned_data.get("other", "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Write the other fields as a JSON object.")) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Write the other fields as a JSON object."))
        return value


def initial(disclosure: Disclosure) -> dict[str, Any]:
    record = disclosure.records[0]
    subject = disclosure.subject
    grades = "\n".join(
        ";".join(str(g.get(k) or "") for k in ("subject_code", "subject_name", "school_exam_grade",
                                                "central_exam_grade", "final_grade"))
        for g in record.get("grades") or []
    )  # fmt: skip
    return {**{k: subject.get(k) for k in PERSON_FIELDS if k != "pgn"},
            **{k: record.get(k) for k in DOCUMENT_FIELDS}, "grades": grades}  # fmt: skip


def _grades(text: str) -> list[dict[str, str]]:
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")] + [""] * 5
        out.append(dict(zip(("subject_code", "subject_name", "school_exam_grade",
                             "central_exam_grade", "final_grade"), parts[:5], strict=True)))  # fmt: skip
    return out


def redeliver(
    org: Organisation, req: CorrectionRequest, pgn: str, data: dict[str, Any]
) -> Delivery:
    """Deliver the corrected document (same record key) as a delivery of one record."""
    raw: dict[str, Any] = {"record_key": req.diploma.record_key, "pgn": pgn}
    for name in (*PERSON_FIELDS[1:], *DOCUMENT_FIELDS):
        value = data.get(name)
        if value not in (None, ""):
            raw[name] = value.isoformat() if hasattr(value, "isoformat") else value
    raw["grades"] = _grades(data.get("grades", ""))
    raw.update(data.get("other") or {})
    delivery = pipeline.start(org, channel="upload", file_name=f"correctieverzoek {req.pk}")
    return pipeline.run(delivery, [raw])
