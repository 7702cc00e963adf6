"""The delivery rules' messages on Dutch pages (upload feedback, correct now, the feedback CSV) are
Dutch, looked up by rule code in the portal (rule_messages); English pages keep the pipeline's own
English text; a message no pattern recognises stays English, marked lang="en"."""

import ast
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from diplomaregister.levering.models import Delivery
from diplomaregister.portal_institution.corrections import submit_request
from diplomaregister.portal_institution.rule_messages import ENTRIES, in_words
from diplomaregister.register.models import Diploma

from .test_daily_work import _record, staff  # noqa: F401  (the logged-in staff member)

SRC = Path(__file__).resolve().parents[2]


def _literal_rules():
    """(rule, message) of every Violation with a literal rule and message in the pipeline's code."""
    found = set()
    for path in [*SRC.glob("levering/*.py"), *SRC.glob("register/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Violation":
                args = node.args[1:3]
                if len(args) == 2 and all(isinstance(a, ast.Constant) for a in args):
                    found.add((args[0].value, args[1].value))
    return found


def test_every_literal_rule_message_has_its_dutch_text():
    rules = _literal_rules()
    assert len(rules) > 40
    english = [
        (rule, message) for rule, message in rules if in_words(rule, message, "nl")[1] != "nl"
    ]
    assert not english, english


def test_every_entry_is_translated_and_keeps_its_values():
    with translation.override("nl"):
        for _rule, _pattern, text in ENTRIES:
            assert translation.gettext(text) != text, text
    assert in_words("length", "record_key has at most 64 characters.", "nl") == (
        "Te lang: ten hoogste 64 tekens.", "nl")  # fmt: skip
    assert in_words("code_list", "Unknown judicium code; use one of: cum_laude, met_lof.", "nl") == (
        "Onbekende code; gebruik een van: cum_laude, met_lof.", "nl")  # fmt: skip
    total = "The units add up to 90 EC; this programme has 60 or 120 EC."
    assert in_words("credits.total", total, "nl")[0] == (
        "De onderdelen tellen op tot 90 EC; deze opleiding heeft 60 of 120 EC.")  # fmt: skip
    assert in_words("date.future", "The exam date lies in the future.", "en") == (
        "The exam date lies in the future.", "en")  # fmt: skip
    assert in_words("new.rule", "A rule worded anew.", "nl") == ("A rule worded anew.", "en")


# Messages the pipeline words with values (f-strings), as it words them.
WORDED = [
    ("length", "family_name has at most 200 characters."), ("choice", "Must be one of: M, V, X."),
    ("choice", "kind must be one of a, b, c."), ("range", "A grade must be between 1 and 10."),
    ("required", "Uitslag is required for sector VO (art. 7)."), ("type", "grades must be a JSON list."),
    ("boolean", "bekostigd is true or false."), ("field.unknown", "A diploma record has no field x."),
    ("kind.bekostigd", "Kind b is for non-funded programmes (art. 16 onder b)."),
    ("kind.institution_bekostigd", "Kind a is awarded by a funded institution (art. 16 onder a)."),
    ("kind.associate_degree_only", "Kind f is for associate degrees (art. 16 onder f)."),
    ("degree.kind", "Graad master does not fit document kind a (art. 16; a propedeuse carries no graad)."),
    ("degree_addition.sector", "of Science is not awarded in sector HBO."),
    ("kind.sector", "Kind l belongs to sector(s) VO."),
    ("kind.start_date", "Kind r is registered only for documents issued on or after 2021-01-01 (art. 16 onder r)."),
    ("identity.mismatch", "The identity delivered differs from the register's source (family_name); the register keeps its own. Check the number or ask the person to correct the source."),
    ("pgn.checksum", "The BSN check digit is wrong."), ("average.mismatch", "The EC-weighted average of the graded units is 7.25."),
    ("scenario.not_stored", "Scenario 4 (No change) does not store judicium; the delivered value was not stored."),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "message"), WORDED)
def test_messages_with_values_are_dutch(rule, message):
    text, language = in_words(rule, message, "nl")
    assert language == "nl" and text != message, (rule, message)
    assert "%(" not in text


@pytest.mark.django_db
def test_upload_feedback_and_csv_in_dutch_and_english(staff, world):  # noqa: F811
    bad = _record(2, pgn="123", date_of_issue="morgen", judicium="summa")
    body = json.dumps(bad).encode()
    response = staff.post("/instelling/leveren/", {"bestand": SimpleUploadedFile("b.jsonl", body)})
    delivery = Delivery.objects.get(channel="upload")
    rules = {v["rule"] for r in delivery.records.all() for v in r.violations}
    assert "date.format" in rules, rules
    nl = staff.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Gebruik een ISO-datum: JJJJ-MM-DD." in nl
    assert 'lang="en"' not in nl.split("<main")[1] and "Use an ISO date" not in nl
    en = staff.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Use an ISO date: YYYY-MM-DD." in en and "JJJJ" not in en
    csv = staff.get(f"{response['Location']}?formaat=csv", HTTP_ACCEPT_LANGUAGE="nl")
    assert "Gebruik een ISO-datum" in csv.content.decode()


@pytest.mark.django_db
def test_correct_now_shows_the_refused_rules_in_dutch(staff, world, clock):  # noqa: F811
    diploma = Diploma.objects.get(person=world.holder, organisation=world.university)
    req = submit_request(person=world.holder, diploma=diploma, message="Mijn graad klopt niet.")
    version = diploma.versions.order_by("-version").first()
    data = {"family_name": "Jansen", "given_names": "Anna", "birth_date": "2001-05-17",
            "gender": "", "kind": version.kind, "date_of_issue": "2999-01-01",
            "programme_code": version.programme.code if version.programme else "",
            "ho_degree": "Master of Arts", "ho_exam_type": version.ho_exam_type,
            "exam_date": version.exam_date.isoformat(), "answer": "Aangepast."}  # fmt: skip
    url = f"/instelling/correctieverzoeken/{req.pk}/corrigeren/"
    nl = staff.post(url, data, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Deze datum ligt in de toekomst." in nl and "lies in the future" not in nl
    en = staff.post(url, data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The date of issue lies in the future." in en
