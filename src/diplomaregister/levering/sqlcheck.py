"""Validation of a staged chunk as one SQL statement, generated from the law tables: the field
catalogue (law/field_catalogue.yaml: required per sector, code lists, ranges), the document kinds
(law/document_kinds.yaml: start dates, awarding organisations, funding, sectors) as they apply to
the delivering organisation, and the column lengths of the register's models.

The rules, their fields and messages are those of register/validation.py, register/facts.py and
register/decide.py; each rule has a place (``grp``, ``ord``) in the order the per-record path
reports them, and a record's feedback lists the rules of its lowest group (the per-record path
stops at the first group that fails). The equivalence tests (levering/tests/test_setwise.py) run
every rule through both paths. Messages are literals or sector codes, never delivered values.
"""

# ruff: noqa: S608  (SQL built from the law tables' literals, quoted by q(); values are bound)
from __future__ import annotations

from dataclasses import fields as dataclass_fields

from django.db import models

from diplomaregister.law.loaders import document_kinds, field_catalogue
from diplomaregister.levering._prepare import COLUMNS, GROUP_FACT_RULES, GROUP_PERSON
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.decide import EXTENDED_COLUMNS
from diplomaregister.register.facts import ENROLMENT_FIELDS
from diplomaregister.register.inputs import DiplomaData
from diplomaregister.register.models import (
    DiplomaVersion,
    EnrolmentVersion,
    PersonVersion,
    Programme,
    ResultVersion,
)
from diplomaregister.register.validation import DIPLOMA_ENTITY

STAGE = "_lev_stage"
_NAMES = {"programme": "programme_code"}  # catalogue name -> staged column


class Unsupported(Exception):
    """The catalogue has a rule for a field the staging table does not carry."""


def q(value: object) -> str:
    """A SQL literal (text, number, boolean, NULL)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''").replace("%", "%%") + "'"


def _array(values: tuple[str, ...] | list[str]) -> str:
    return "ARRAY[" + ", ".join(q(v) for v in values) + "]::text[]" if values else "ARRAY[]::text[]"


def _limit(model: type[models.Model], name: str) -> int:
    return int(model._meta.get_field(name).max_length or 0)  # type: ignore[union-attr]


def _length(column: str, name: str, limit: int) -> tuple[str, str, str, str]:
    return (f"char_length(s.{column}) > {limit}", q(name), "'length'",
            q(f"{name} has at most {limit} characters."))  # fmt: skip


def kinds_values(organisation: Organisation) -> str:
    """The document kinds as they apply to this organisation, as a VALUES list."""
    rows = []
    for kind in document_kinds().values():
        fallback = organisation.bekostigd if kind.institution_bekostigd is not None or kind.bekostigd is None else None  # fmt: skip
        name = "funded" if kind.bekostigd else "non-funded"
        needed = kind.institution_bekostigd
        institution_ok = (
            needed is None or organisation.bekostigd is None or organisation.bekostigd == needed
        )
        rows.append("(" + ", ".join([
            q(kind.code), q(kind.in_force), f"{q(kind.start_date.isoformat() if kind.start_date else None)}::date",
            q(organisation.kind in kind.awarded_by), f"{q(kind.bekostigd)}::boolean", f"{q(fallback)}::boolean",
            q(institution_ok), _array(kind.sectors),
            q(f"Kind {kind.code} ({kind.article}) is not in force: its start date is not set."),
            q(f"Kind {kind.code} is registered only for documents issued on or after "
              f"{kind.start_date:%Y-%m-%d} ({kind.article})." if kind.start_date else ""),
            q(f"An organisation of kind '{organisation.kind}' may not award kind {kind.code} "
              f"({kind.article}); allowed: {', '.join(kind.awarded_by)}."),
            q(f"Kind {kind.code} is for {name} programmes ({kind.article})."),
            q(f"Kind {kind.code} is awarded by {'a funded' if needed else 'a non-funded'} institution ({kind.article})."),
            q(f"Kind {kind.code} is for associate degrees ({kind.article})."),
            q(f"Kind {kind.code} belongs to sector(s) {', '.join(kind.sectors)}."),
        ]) + ")")  # fmt: skip
    return ",\n".join(rows)


KIND_COLUMNS = ("code, in_force, start_date, awarded_ok, bek, fallback, institution_ok, sectors, "
                "m_not_in_force, m_start, m_award, m_bek, m_inst, m_ad_only, m_sector")  # fmt: skip
SECTOR = "s.esector"  # validation.sector_for, computed while preparing
AD = "(lower(s.ho_degree) LIKE 'associate degree%%' OR lower(s.ho_degree) = 'ad')"


def _person_rules(group: int) -> list[tuple[int, int, str, str, str, str]]:
    gender = field_catalogue().get("personversion", "gender")
    rules = [
        (20, "s.family_name = ''", "'family_name'", "'required'", q("Geslachtsnaam is required (art. 15 onder a).")),
        (30, "s.birth_date IS NULL", "'birth_date'", "'required'", q("Geboortedatum is required (art. 15 onder d).")),
        (31, "s.birth_date > %(today)s", "'birth_date'", "'date.future'", q("The birth date lies in the future.")),
        (40, *_length("family_name", "family_name", _limit(PersonVersion, "family_name"))),
        (41, *_length("given_names", "given_names", _limit(PersonVersion, "given_names"))),
        (50, f"s.gender <> ALL({_array(gender.choices)})", "'gender'", "'choice'",
         q(f"Gender must be one of {', '.join(gender.choices)}.")),
    ]  # fmt: skip
    return [(group, *rule) for rule in rules]


def _value_is_empty(column: str) -> str:
    kind = COLUMNS[column]
    return f"s.{column} IS NULL" if kind != "text" else f"coalesce(s.{column}, '') = ''"


def _catalogue_rules() -> list[tuple[int, int, str, str, str, str]]:
    """validation._catalogue_rules: required per sector, then code lists and ranges."""
    catalogue, attributes = field_catalogue(), {f.name for f in dataclass_fields(DiplomaData)}
    rules = []
    for i, entry in enumerate(catalogue.for_entity(DIPLOMA_ENTITY)):
        column = _NAMES.get(entry.name, entry.name)
        staged = column in COLUMNS and column in attributes
        if entry.required_for:
            if column == "sector":
                empty = f"({SECTOR}) = ''"
            elif staged:
                empty = _value_is_empty(column)
            elif column in attributes:
                raise Unsupported(column)
            else:
                empty = "TRUE"  # the per-record path reads a missing attribute as None
            rules.append((1, 200 + i, f"({SECTOR}) = ANY({_array(entry.required_for)}) AND {empty}", q(column),
                          "'required'", f"{q(entry.description + ' is required for sector ')} || ({SECTOR}) || "
                          f"{q(f' ({entry.article}).')}"))  # fmt: skip
    for i, entry in enumerate(catalogue.for_entity(DIPLOMA_ENTITY)):
        column = _NAMES.get(entry.name, entry.name)
        if not (entry.choices or entry.minimum is not None):
            continue
        if column not in attributes or column in EXTENDED_COLUMNS:
            continue  # None, or extended data the staged records do not carry (_prepare._plain)
        if column not in COLUMNS or column == "overige":
            raise Unsupported(column)
        present = f"NOT ({_value_is_empty(column)})"
        if entry.choices:
            rules.append((1, 300 + 2 * i, f"{present} AND s.{column} <> ALL({_array(entry.choices)})", q(column),
                          "'choice'", q(f"Must be one of: {', '.join(c for c in entry.choices if c)}.")))  # fmt: skip
        if entry.minimum is not None:
            rules.append((1, 301 + 2 * i, f"{present} AND s.{column} NOT BETWEEN {entry.minimum!r} AND {entry.maximum!r}",
                          q(column), "'range'", q(f"Must be between {entry.minimum:g} and {entry.maximum:g}.")))  # fmt: skip
    return rules


def _diploma_rules() -> list[tuple[int, int, str, str, str, str]]:
    """validation.validate_diploma, kind rules first; each only when the date of issue is there."""
    rules = [
        (1, 100, "k.code IS NULL", "'kind'", "'kind.unknown'", q("Unknown document kind; use a-r of art. 16.")),
        (1, 101, "NOT k.in_force", "'kind'", "'kind.not_in_force'", "k.m_not_in_force"),
        (1, 102, "k.in_force AND s.date_of_issue < k.start_date", "'date_of_issue'", "'kind.start_date'", "k.m_start"),
        (1, 103, "NOT k.awarded_ok", "'kind'", "'kind.awarding_organisation'", "k.m_award"),
        (1, 104, "k.bek IS NOT NULL AND coalesce(s.bekostigd, k.fallback) <> k.bek", "'bekostigd'",
         "'kind.bekostigd'", "k.m_bek"),
        (1, 105, "NOT k.institution_ok", "'kind'", "'kind.institution_bekostigd'", "k.m_inst"),
        (1, 106, f"k.code IN ('a', 'b', 'c') AND {AD}", "'kind'", "'kind.associate_degree'",
         q("An associate degree is kind f (funded) or g (non-funded), art. 16.")),
        (1, 107, f"k.code IN ('f', 'g') AND s.ho_degree <> '' AND NOT {AD}", "'ho_degree'",
         "'kind.associate_degree_only'", "k.m_ad_only"),
        (1, 108, "k.code = 'a' AND s.ho_exam_type = 'propedeuse' AND s.sector <> '' AND s.sector <> 'HBO'",
         "'ho_exam_type'", "'kind.propedeuse_hbo'",
         q("Art. 16 onder a registers propedeutic exams of HBO programmes only.")),
        (1, 109, "s.sector <> '' AND NOT (s.sector = ANY(k.sectors))", "'sector'", "'kind.sector'", "k.m_sector"),
        (1, 110, "k.code IS NOT NULL AND s.date_of_issue > %(today)s", "'date_of_issue'", "'date.future'",
         q("The date of issue lies in the future.")),
        (1, 111, "k.code IS NOT NULL AND s.exam_date > %(today)s", "'exam_date'", "'date.future'",
         q("The exam date lies in the future.")),
        *_catalogue_rules(),
        (1, 501, *_length("vo_profile", "vo_profile", _limit(DiplomaVersion, "vo_profile"))),
        (1, 502, *_length("ho_degree", "ho_degree", _limit(DiplomaVersion, "ho_degree"))),
        (1, 503, *_length("sector", "sector", _limit(DiplomaVersion, "sector"))),
        (1, 504, *_length("programme_code", "programme_code", _limit(Programme, "code"))),
    ]  # fmt: skip
    missing = (1, 99, "s.date_of_issue IS NULL", "'date_of_issue'", "'required'",
               q("The date of issue is required."))  # the per-record path stops there  # fmt: skip
    return [missing] + [
        (g, o, f"s.date_of_issue IS NOT NULL AND ({c})", f, r, m) for g, o, c, f, r, m in rules
    ]


def _fact_rules(rtype: str) -> list[tuple[int, int, str, str, str, str]]:
    if rtype == "enrolment":
        own = [(GROUP_FACT_RULES, 10, "s.end_date < s.start_date", "'end_date'", "'date.order'",
                q("The end date lies before the start date (art. 5 lid 1)."))]  # fmt: skip
        texts = [f for f in ENROLMENT_FIELDS if f not in ("start_date", "end_date", "programme")]
        model: type[models.Model] = EnrolmentVersion
    else:
        choices = field_catalogue().get("resultversion", "result_type").choices
        own = [(GROUP_FACT_RULES, 10, f"s.result_type <> ALL({_array(choices)})", "'result_type'",
                "'choice'", q("Unknown result type."))]  # fmt: skip
        texts, model = ["subject_code", "outcome", "result_type"], ResultVersion
    lengths = [
        (2, 10 + i, *_length(name, name, _limit(model, name))) for i, name in enumerate(texts)
    ]
    return own + lengths + _person_rules(GROUP_PERSON)


def _hits(rules: list[tuple[int, int, str, str, str, str]]) -> tuple[str, str, str]:
    """The rules as one array of the numbers of those a row breaks (one expression per row, no row
    per rule), their metadata as a VALUES list, and their messages, computed only for the hits."""
    hits = ", ".join(
        f"CASE WHEN {c} THEN {n} END" for n, (_g, _o, c, _f, _r, _m) in enumerate(rules, 1)
    )
    meta = ", ".join(
        f"({n}, {g}, {o}, {f}, {r})" for n, (g, o, _c, f, r, _m) in enumerate(rules, 1)
    )
    messages = " ".join(f"WHEN {n} THEN {m}" for n, (_g, _o, _c, _f, _r, m) in enumerate(rules, 1))
    return hits, meta, messages


_TEMPLATES: dict[tuple[object, ...], str] = {}


def _template(organisation: Organisation) -> str:
    parts = []
    for rtype, rules in (("diploma", _person_rules(1) + _diploma_rules()),
                         ("enrolment", _fact_rules("enrolment")), ("result", _fact_rules("result"))):  # fmt: skip
        join = (f"LEFT JOIN (VALUES {kinds_values(organisation)}) AS k({KIND_COLUMNS}) ON k.code = s.kind"
                if rtype == "diploma" else "")  # fmt: skip
        hits, meta, messages = _hits(rules)
        parts.append(f"""
SELECT s.idx, r.grp, r.ord, 0, r.field, r.rule, CASE h.n {messages} END FROM {STAGE} s {join}
CROSS JOIN LATERAL unnest(array_remove(ARRAY[{hits}]::int[], NULL)) AS h(n)
JOIN (VALUES {meta}) AS r(n, grp, ord, field, rule) ON r.n = h.n
WHERE s.rtype = '{rtype}'""")  # fmt: skip
    return f"""
WITH hits AS ({" UNION ALL ".join(parts)}
), sector_missing AS (
SELECT s.idx, 1, 120, 0, 'sector', 'required', 'Sector is required: the kind fits more than one sector.'
FROM {STAGE} s
WHERE s.rtype = 'diploma' AND s.date_of_issue IS NOT NULL AND ({SECTOR}) = ''
  AND NOT EXISTS (SELECT 1 FROM hits h WHERE h.idx = s.idx AND h.ord BETWEEN 100 AND 111)
)
INSERT INTO _lev_violation (idx, grp, ord, seq, field, rule, message)
SELECT * FROM hits UNION ALL SELECT * FROM sector_missing
UNION ALL
SELECT s.idx, (e->>0)::int, (e->>1)::int, (e->>2)::int, e->>3, e->>4, e->>5
FROM {STAGE} s CROSS JOIN LATERAL jsonb_array_elements(coalesce(s.pre, s.pyv)) AS e
WHERE coalesce(s.pre, s.pyv) IS NOT NULL"""


# DiplomaData fields the staging table carries and the decision compares; a field added there
# without being added here sends deliveries record by record rather than deciding without it.
KNOWN_DIPLOMA_FIELDS = {"record_key", "kind", "date_of_issue", "sector", "exam_date", "programme_code",
                        "vo_profile", "vo_leerweg", "mbo_level", "mbo_leerweg", "ho_degree",
                        "ho_exam_type", "bekostigd", "overige_gegevens", "grades", "earned",
                        *EXTENDED_COLUMNS}  # fmt: skip


def validation_sql(organisation: Organisation) -> str:
    """The statement (parameter ``today``) that writes every rule a staged record breaks into
    ``_lev_violation``; cached per organisation and its kind and funding. Raises
    :class:`Unsupported` when the law tables or the inputs name something it does not know."""
    unknown = {f.name for f in dataclass_fields(DiplomaData)} - KNOWN_DIPLOMA_FIELDS
    if unknown:
        raise Unsupported(", ".join(sorted(unknown)))
    key = (organisation.pk, organisation.kind, organisation.bekostigd)
    if key not in _TEMPLATES:
        _TEMPLATES[key] = _template(organisation)
    return _TEMPLATES[key]
