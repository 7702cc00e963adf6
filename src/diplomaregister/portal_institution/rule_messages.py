"""The delivery rules' messages in the page's language.

The one pipeline (levering/, register/validation.py, register/extended.py, ...) words its per-record
feedback in English, and that text is stored with each record (the API and the CSV give it as is).
The portal shows a Dutch page the Dutch text of the rule, looked up by its rule code (gettext,
scripts/nl_translations.py): each entry names the rule, a pattern of the English message (its
named groups are the values the message carries: a length, a list of codes, a total) and the text
to show. A message whose rule has no entry, or that no pattern recognises (a rule worded anew),
keeps its English text, marked ``lang="en"`` by the templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

ANY = r".*"
NUMBER = r"(?P<n>\d+(?:\.\d+)?)"
LIST = r"(?P<list>.+?)"

# (rule code, pattern of the English message, English text to translate). First match wins.
# fmt: off
ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("required", ANY, N_("This field must be filled in.")),
    ("length", rf"At most {NUMBER} languages\.", N_("At most %(n)s languages.")),
    ("length", rf"At most {NUMBER} awarding organisations\.", N_("At most %(n)s awarding organisations.")),
    ("length", rf"(.* at|At) most {NUMBER} characters\.", N_("Too long: at most %(n)s characters.")),
    ("type", r".*must be text.*", N_("This field is text (in a CSV file: put it in quotes).")),
    ("type", r".*must be a (text )?date.*", N_("Use an ISO date: YYYY-MM-DD.")),
    ("type", ANY, N_("This value has the wrong type; see the field list for what the field takes.")),
    ("choice", rf".*one of:? {LIST}\.", N_("Not one of the allowed values: %(list)s.")),
    ("choice", r"action must be deliver or withdraw\.", N_("The action is deliver or withdraw.")),
    ("choice", r"Only documents are withdrawn.*", N_("Only documents are withdrawn; deliver an enrolment or result again to correct it.")),
    ("choice", r"status is issued or earned.*", N_("The status is issued or earned (behaald, nog niet uitgereikt).")),
    ("choice", r"Unknown result type\.", N_("Unknown result type.")),
    ("range", rf".*between {NUMBER} and (?P<m>\d+(?:\.\d+)?)\.", N_("Must be between %(n)s and %(m)s.")),
    ("boolean", ANY, N_("Use true or false.")),
    ("json", r".*JSON object.*", N_("This field is a JSON object.")),
    ("json", ANY, N_("This field is a JSON array (of objects, where the field list says so).")),
    ("text.control", ANY, N_("Contains a control character (such as NUL); remove it.")),
    ("date.format", ANY, N_("Use an ISO date: YYYY-MM-DD.")),
    ("date.future", ANY, N_("This date lies in the future.")),
    ("date.order", ANY, N_("The end date lies before the start date (art. 5 lid 1).")),
    ("number.format", r"mbo_level .*", N_("A whole number from 1 to 4.")),
    ("number.format", rf"Use a number such as {NUMBER}\.", N_("Use a number such as %(n)s.")),
    ("field.unknown", ANY, N_("This kind of record has no such field.")),
    ("record_key.other_person", ANY, N_("This record key is registered for another person; withdraw it and deliver the document under a new record key.")),
    ("withdrawn", ANY, N_("The document was withdrawn; it cannot be corrected.")),
    ("unknown", ANY, N_("No document with this record key was delivered.")),
    ("before_issue", ANY, N_("A withdrawal cannot precede the date of issue.")),
    ("storage", ANY, N_("The register could not store this record; nothing of it was written. Deliver it again; if it keeps failing, contact the register.")),
    ("organisation.not_own", ANY, N_("A client delivers only for its own organisation (art. 22).")),
    ("earned.already_issued", ANY, N_("The document was issued; it cannot go back to earned-not-issued. Withdraw it if it was issued in error.")),
    ("earned.exam_date", ANY, N_("An earned, not yet issued document needs the exam date.")),
    ("identity.mismatch", r".*source \((?P<list>[^)]*)\).*", N_("The identity delivered differs from the register's source (%(list)s); the register keeps its own. Check the number or ask the person to correct the source.")),
    ("pgn.required", ANY, N_("Enter a BSN or onderwijsnummer.")),
    ("pgn.format", ANY, N_("A BSN or onderwijsnummer consists of digits only.")),
    ("pgn.length", ANY, N_("A BSN or onderwijsnummer has 9 digits.")),
    ("pgn.checksum", ANY, N_("The check digit of this number is wrong: check for a typing error.")),
    ("pgn.onderwijsnummer_prefix", ANY, N_("An onderwijsnummer starts with 10.")),
    ("pgn.invalid", ANY, N_("This is not a valid BSN or onderwijsnummer.")),
    ("pgn.type", ANY, N_("Use bsn or onderwijsnummer.")),
    ("code_list", rf"Unknown .* code; use one of: {LIST}\.", N_("Unknown code; use one of: %(list)s.")),
    ("kind.unknown", ANY, N_("Unknown document kind; use a-r of art. 16.")),
    ("kind.sector", rf"Kind (?P<kind>\w+) belongs to sector\(s\) {LIST}\.", N_("Kind %(kind)s belongs to sector(s) %(list)s.")),
    ("kind.awarding_organisation", rf"An organisation of kind '(?P<org>[^']*)' may not award kind (?P<kind>\w+) \((?P<article>[^)]*)\); allowed: {LIST}\.", N_("An organisation of kind '%(org)s' may not award kind %(kind)s (%(article)s); allowed: %(list)s.")),
    ("kind.not_in_force", r"Kind (?P<kind>\w+) \((?P<article>[^)]*)\) is not in force.*", N_("Kind %(kind)s (%(article)s) is not in force: its start date is not set.")),
    ("kind.start_date", r"Kind (?P<kind>\w+) is registered only for documents issued on or after (?P<date>[\d-]+) \((?P<article>[^)]*)\)\.", N_("Kind %(kind)s is registered only for documents issued on or after %(date)s (%(article)s).")),
    ("kind.associate_degree", ANY, N_("An associate degree is kind f (funded) or g (non-funded), art. 16.")),
    ("kind.propedeuse_hbo", ANY, N_("Art. 16 onder a registers propedeutic exams of HBO programmes only.")),
    ("kind.bekostigd", r"Kind (?P<kind>\w+) is for funded programmes \((?P<article>[^)]*)\)\.", N_("Kind %(kind)s is for funded programmes (%(article)s).")),
    ("kind.bekostigd", r"Kind (?P<kind>\w+) is for non-funded programmes \((?P<article>[^)]*)\)\.", N_("Kind %(kind)s is for non-funded programmes (%(article)s).")),
    ("kind.institution_bekostigd", r"Kind (?P<kind>\w+) is awarded by a funded institution \((?P<article>[^)]*)\)\.", N_("Kind %(kind)s is awarded by a funded institution (%(article)s).")),
    ("kind.institution_bekostigd", r"Kind (?P<kind>\w+) is awarded by a non-funded institution \((?P<article>[^)]*)\)\.", N_("Kind %(kind)s is awarded by a non-funded institution (%(article)s).")),
    ("kind.associate_degree_only", r"Kind (?P<kind>\w+) is for associate degrees \((?P<article>[^)]*)\)\.", N_("Kind %(kind)s is for associate degrees (%(article)s).")),
    ("degree.kind", r"Graad (?P<degree>\w+) does not fit document kind (?P<kind>\w+) .*", N_("Graad %(degree)s does not fit document kind %(kind)s (art. 16; a propedeuse carries no graad).")),
    ("degree_addition.sector", r"(?P<addition>.+) is not awarded in sector (?P<sector>\w+)\.", N_("%(addition)s is not awarded in sector %(sector)s.")),
    ("degree.sector", ANY, N_("A graad belongs to an HO document (WHW art. 7.10a).")),
    ("degree_addition.without_degree", ANY, N_("A graadtoevoeging needs graad bachelor or master.")),
    ("joint.duplicate", ANY, N_("An organisation is listed twice.")),
    ("joint.single", ANY, N_("A joint degree has at least two awarding organisations.")),
    ("joint.delivering", ANY, N_("The delivering organisation is one of the awarding organisations (art. 22), listed once by its code.")),
    ("joint.partner", r"A foreign .*", N_("A foreign organisation needs name and country.")),
    ("joint.partner", ANY, N_("Give either organisation_code (a Dutch organisation) or name and country (a foreign one).")),
    ("joint.foreign_nl", ANY, N_("A Dutch organisation is named by its organisation_code.")),
    ("languages.duplicate", ANY, N_("A language is listed twice.")),
    ("course.sector", ANY, N_("Course results with EC belong to HO documents.")),
    ("course.grade_or_pass", ANY, N_("A unit has a final_grade or a pass_result (voldaan, vrijstelling), not both or neither.")),
    ("course.exam_grades", ANY, N_("HO units have no school or central exam grade.")),
    ("course.credits", ANY, N_("A unit carries 0.5 to 60 EC, in steps of 0.5.")),
    ("course.date", ANY, N_("A unit is passed on or before the date of issue, not in the future.")),
    ("credits.total", rf"The units add up to {NUMBER} EC; this programme has {LIST} EC\.", N_("The units add up to %(n)s EC; this programme has %(list)s EC.")),
    ("average.without_results", ANY, N_("A weighted average needs the course results it is the average of.")),
    ("average.mismatch", rf"The EC-weighted average of the graded units is {NUMBER}\.", N_("The EC-weighted average of the graded units is %(n)s.")),
    ("scenario.not_stored", r"Scenario (?P<code>\w+) \(.*\) does not store (?P<field>\w+);.*", N_("Scenario %(code)s does not store %(field)s; the delivered value was not stored.")),
)
# fmt: on


@cache
def _patterns() -> dict[str, list[tuple[re.Pattern[str], str]]]:
    table: dict[str, list[tuple[re.Pattern[str], str]]] = {}
    for rule, pattern, text in ENTRIES:
        table.setdefault(rule, []).append((re.compile(pattern, re.DOTALL), text))
    return table


def in_words(rule: str, message: str, language: str | None = None) -> tuple[str, str]:
    """The rule's message for a page in ``language`` (the active one when None), and the language
    it is in: Dutch by rule code when known, else the pipeline's English message."""
    language = "en" if (language or get_language() or "nl").startswith("en") else "nl"
    if language == "en":
        return message, "en"
    for pattern, text in _patterns().get(rule, []):
        found = pattern.fullmatch(message.strip())
        if found:
            values = found.groupdict()
            if "list" in values:  # "60 or 120", "a, b and c" in Dutch
                values["list"] = values["list"].replace(" or ", " of ").replace(" and ", " en ")
            with translation.override("nl"):
                return _(text) % values, "nl"
    return message, "en"


def worded(items: Iterable[Any], language: str | None = None) -> list[dict[str, str]]:
    """Violations or warnings (dicts with field, rule, message) with ``text`` and ``lang``."""
    out = []
    for item in items or []:
        if isinstance(item, dict):
            text, lang = in_words(str(item.get("rule", "")), str(item.get("message", "")), language)
            out.append({**item, "text": text, "lang": lang})
    return out
