"""Typed, cached loaders for the rules of the law kept as data in this folder.

Nothing here imports the rest of the project: the law is data, the code that reads it is small.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent

CATEGORIES = (
    "identificerend",
    "inschrijving",
    "opleiding",
    "resultaat",
    "overig",
    "vrijstelling",
    "verzuim",
    "diploma",
    "registratie",
    "referentie",
)


def _load(name: str) -> dict[str, Any]:
    with (HERE / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), name
    return data


@dataclass(frozen=True)
class DocumentKind:
    code: str
    article: str
    name_nl: str
    name_en: str
    start_date: dt.date | None
    awarded_by: tuple[str, ...]
    bekostigd: bool | None
    sectors: tuple[str, ...]
    institution_bekostigd: bool | None = None

    @property
    def in_force(self) -> bool:
        return self.start_date is not None

    def name(self, language: str = "nl") -> str:
        return self.name_en if language.startswith("en") else self.name_nl


@dataclass(frozen=True)
class OrganisationKind:
    code: str
    name_nl: str
    name_en: str
    sectors: tuple[str, ...]
    source: str
    law: str = ""  # the education law the institution falls under (art. 24 and the annex)


@dataclass(frozen=True)
class CatalogueField:
    """One field the register holds (``entity.field``), with the article it comes from."""

    key: str
    entity: str
    name: str
    article: str | None
    category: str
    personal: bool
    description: str
    required_for: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    type: str = ""  # text | code | decimal | date | list (extended fields)
    length: int | None = None  # characters, digits, or entries of a list
    code_list: str = ""  # a list of code_lists.yaml


@dataclass(frozen=True)
class LegalTerm:
    sector: str
    days: int
    assumed: bool
    source: str


@dataclass(frozen=True)
class FieldCatalogue:
    fields: dict[str, CatalogueField] = field(default_factory=dict)

    def for_entity(self, entity: str) -> list[CatalogueField]:
        return [f for f in self.fields.values() if f.entity == entity]

    def get(self, entity: str, name: str) -> CatalogueField:
        return self.fields[f"{entity}.{name}"]

    def required_for_sector(self, entity: str, sector: str) -> list[CatalogueField]:
        return [f for f in self.for_entity(entity) if sector in f.required_for]


@cache
def document_kinds() -> dict[str, DocumentKind]:
    raw = _load("document_kinds.yaml")["kinds"]
    return {
        code: DocumentKind(
            code=code,
            article=item["article"],
            name_nl=item["name_nl"],
            name_en=item["name_en"],
            start_date=item["start_date"],
            awarded_by=tuple(item["awarded_by"]),
            bekostigd=item["bekostigd"],
            sectors=tuple(item["sectors"]),
            institution_bekostigd=item.get("institution_bekostigd"),
        )
        for code, item in raw.items()
    }


@cache
def organisation_kinds() -> dict[str, OrganisationKind]:
    raw = _load("organisation_kinds.yaml")["kinds"]
    return {
        code: OrganisationKind(
            code=code,
            name_nl=item["name_nl"],
            name_en=item["name_en"],
            sectors=tuple(item["sectors"]),
            source=item["source"],
            law=item.get("law", ""),
        )
        for code, item in raw.items()
    }


@cache
def sectors() -> dict[str, dict[str, str]]:
    return dict(_load("organisation_kinds.yaml")["sectors"])


@cache
def field_catalogue() -> FieldCatalogue:
    raw = _load("field_catalogue.yaml")["entities"]
    fields: dict[str, CatalogueField] = {}
    for entity, entries in raw.items():
        for name, item in entries.items():
            key = f"{entity}.{name}"
            fields[key] = CatalogueField(
                key=key,
                entity=entity,
                name=name,
                article=item.get("article"),
                category=item["category"],
                personal=bool(item["personal"]),
                description=item["description"],
                required_for=tuple(item.get("required_for", ())),
                minimum=item.get("min"),
                maximum=item.get("max"),
                choices=tuple(item.get("choices", ())),
                type=item.get("type", ""),
                length=item.get("length"),
                code_list=item.get("code_list", ""),
            )
    return FieldCatalogue(fields)


@dataclass(frozen=True)
class Code:
    code: str
    nl: str
    en: str
    extra: dict[str, Any] = field(default_factory=dict)  # kinds, sectors, credits

    def text(self, language: str = "nl") -> str:
        return self.en if language.startswith("en") else self.nl


@cache
def code_lists() -> dict[str, dict[str, Code]]:
    """The code lists of the extended diploma data (code_lists.yaml): list -> code -> words."""
    raw = _load("code_lists.yaml")
    return {
        name: {
            str(code): Code(str(code), item["nl"], item["en"],
                            {k: v for k, v in item.items() if k not in ("nl", "en")})
            for code, item in entries.items()
        }
        for name, entries in raw.items()
        if isinstance(entries, dict)
    }  # fmt: skip


@cache
def propedeuse_credits() -> int:
    return int(_load("code_lists.yaml")["propedeuse_credits"])


@dataclass(frozen=True)
class ExtendedField:
    """One extended field of law/scenarios.yaml: its catalogue keys and disclosure outputs."""

    name: str
    catalogue: tuple[str, ...]
    outputs: tuple[str, ...]
    source: str
    bytes: int
    baseline: bool = False
    bytes_per_row: int = 0


@dataclass(frozen=True)
class Scenario:
    code: str
    name_nl: str
    name_en: str
    stored: frozenset[str]
    shown: frozenset[str]

    def name(self, language: str = "nl") -> str:
        return self.name_en if language.startswith("en") else self.name_nl


@cache
def extended_fields() -> dict[str, ExtendedField]:
    raw = _load("scenarios.yaml")["fields"]
    return {
        name: ExtendedField(name, tuple(item["catalogue"]), tuple(item["outputs"]),
                            item["source"], int(item["bytes"]), bool(item.get("baseline", False)),
                            int(item.get("bytes_per_row", 0)))
        for name, item in raw.items()
    }  # fmt: skip


@cache
def scenarios() -> dict[str, Scenario]:
    raw = _load("scenarios.yaml")["scenarios"]
    baseline = {n for n, f in extended_fields().items() if f.baseline}
    return {
        str(code): Scenario(str(code), item["name_nl"], item["name_en"],
                            frozenset(item["stored"]) | baseline,
                            frozenset(item["shown"]) | baseline)
        for code, item in raw.items()
    }  # fmt: skip


@cache
def legal_terms() -> dict[str, LegalTerm]:
    raw = _load("legal_terms.yaml")["terms"]
    return {
        sector: LegalTerm(sector, item["days"], item["assumed"], item["source"])
        for sector, item in raw.items()
    }


@cache
def on_time_target() -> float:
    return float(_load("legal_terms.yaml")["target_on_time_share"])


@dataclass(frozen=True)
class LegalBasis:
    """One ground for disclosure (law/legal_bases.yaml): who may receive what, and how."""

    code: str
    article: str
    recipient_kinds: tuple[str, ...]
    purpose_nl: str
    purpose_en: str
    fields: tuple[str, ...]
    pseudonymised: bool
    scope: str
    modes: tuple[str, ...]
    suppress_below: int | None = None
    subscription_scope: str = ""
    population: str = ""
    peildatum: str = ""
    aggregate_table: tuple[str, ...] = ()
    field_laws: dict[str, tuple[str, ...]] = field(default_factory=dict)
    as_of: bool = False  # may ask for documents as valid on / as known on another moment

    def scope_for(self, mode: str) -> str:
        if mode == "subscription" and self.subscription_scope:
            return self.subscription_scope
        return self.scope

    def purpose(self, language: str = "nl") -> str:
        return self.purpose_en if language.startswith("en") else self.purpose_nl


@dataclass(frozen=True)
class WithdrawalCode:
    code: str
    hidden: bool
    name_nl: str
    name_en: str


BASIS_SCOPES = ("all", "self", "share", "extract", "own_students", "awarded_by_self", "application")
BASIS_MODES = ("request", "subscription", "bulk_export", "aggregate")
POPULATIONS = ("documents", "persons")
PEILDATUM_RULES = ("day", "quarter")
REQUESTER_KINDS = ("holder", "public")  # besides organisation kinds


def _expand(names: list[str], groups: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for name in names:
        if name.startswith("@"):
            out += _expand(groups[name[1:]], groups)
        elif name not in out:
            out.append(name)
    return list(dict.fromkeys(out))


@cache
def disclosure_outputs() -> dict[str, str]:
    """Every name the disclosure engine can output, with its field-catalogue key."""
    return dict(_load("legal_bases.yaml")["outputs"])


@cache
def person_level_outputs() -> frozenset[str]:
    """The outputs that describe the person; the others describe one document."""
    return frozenset(_load("legal_bases.yaml")["person_level"])


@cache
def withdrawal_codes() -> dict[str, WithdrawalCode]:
    raw = _load("legal_bases.yaml")["withdrawal_codes"]
    return {
        code: WithdrawalCode(code, bool(item["hidden"]), item["name_nl"], item["name_en"])
        for code, item in raw.items()
    }


@cache
def legal_bases() -> dict[str, LegalBasis]:
    raw = _load("legal_bases.yaml")
    groups = raw["groups"]
    bases = {}
    for code, item in raw["bases"].items():
        bases[code] = LegalBasis(
            code=code,
            article=item["article"],
            recipient_kinds=tuple(item["recipient_kinds"]),
            purpose_nl=item["purpose_nl"],
            purpose_en=item["purpose_en"],
            fields=tuple(_expand(item.get("fields", []), groups)),
            pseudonymised=bool(item.get("pseudonymised", False)),
            scope=item["scope"],
            modes=tuple(item["modes"]),
            suppress_below=item.get("suppress_below"),
            subscription_scope=item.get("subscription_scope", ""),
            population=item.get("population", ""),
            peildatum=item.get("peildatum", ""),
            aggregate_table=tuple(item.get("aggregate_table", ())),
            field_laws={k: tuple(v) for k, v in item.get("field_laws", {}).items()},
            as_of=bool(item.get("as_of", False)),
        )
    return bases


@dataclass(frozen=True)
class Label:
    nl: str
    en: str
    group: str = ""

    def text(self, language: str = "nl") -> str:
        return self.en if language.startswith("en") else self.nl


@cache
def disclosure_labels() -> dict[str, dict[str, Label]]:
    """Plain-language names of outputs, their groups, channels and requester kinds (holder's log)."""
    raw = _load("disclosure_labels.yaml")
    return {
        section: {k: Label(v["nl"], v["en"], v.get("group", "")) for k, v in raw[section].items()}
        for section in ("groups", "fields", "channels", "recipient_kinds", "values", "titles")
    }
