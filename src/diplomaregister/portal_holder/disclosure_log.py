"""'Wie heeft mijn gegevens bekeken': the holder's own disclosure log in words.

Each row says who (organisation name and kind), why (the purpose in plain language and the
article), what (the fields in words, grouped), when and through which channel; filters by period
and recipient, pages of 25 by log position (no counting of the whole log), and a CSV download of
one's own log. The words come from law/disclosure_labels.yaml and law/legal_bases.yaml.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import BigIntegerField, ExpressionWrapper, F, QuerySet
from django.utils import timezone

from diplomaregister.core import csvsafe
from diplomaregister.law.loaders import disclosure_labels, legal_bases, organisation_kinds
from diplomaregister.logboek import gate, selectors
from diplomaregister.logboek.models import LogEntry, SubjectManifest
from diplomaregister.organisations.models import Organisation

PAGE = 25


@dataclass(frozen=True)
class Row:
    seq: int
    when: dt.datetime
    who: str
    who_kind: str
    why: str
    article: str
    basis: str
    what: list[tuple[str, list[str]]]  # (group, fields) in words
    channel: str
    given: bool
    count: int


def fields_in_words(fields: list[str], language: str) -> list[tuple[str, list[str]]]:
    labels = disclosure_labels()
    grouped: dict[str, list[str]] = {}
    for name in fields:
        label = labels["fields"].get(name)
        if label is None:  # a name without words (e.g. an old count_by_... row): say so plainly
            grouped.setdefault("", []).append(name.replace("_", " "))
            continue
        grouped.setdefault(label.group, []).append(label.text(language))
    order = list(labels["groups"])
    return [
        (labels["groups"][g].text(language) if g in labels["groups"] else "", names)
        for g, names in sorted(
            grouped.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
        )
    ]


def rows(entries: list[LogEntry], language: str) -> list[Row]:
    labels = disclosure_labels()
    kinds = organisation_kinds()
    codes = {e.recipient_code for e in entries if e.recipient_code}
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    out = []
    for entry in entries:
        org = orgs.get(entry.recipient_code)
        if org is not None:
            who, kind = (
                org.name,
                kinds[org.kind].name_en if language == "en" else kinds[org.kind].name_nl,
            )
        else:
            generic = labels["recipient_kinds"].get(entry.recipient_kind)
            who, kind = (generic.text(language) if generic else entry.recipient_label), ""
            if entry.recipient_label.startswith("deellink "):  # which of the holder's links
                link = entry.recipient_label.removeprefix("deellink ")
                kind = f"share link {link}" if language == "en" else f"deellink {link}"
        basis = legal_bases().get(entry.basis)
        why = (basis.purpose(language) if basis else "") or (
            entry.activity_en if language == "en" else entry.activity_nl)  # fmt: skip
        channel = labels["channels"].get(entry.channel)
        out.append(Row(
            seq=entry.pk, when=timezone.localtime(entry.occurred_at), who=who, who_kind=kind,
            why=why, article=entry.article, basis=entry.basis, what=fields_in_words(list(entry.fields), language),
            channel=channel.text(language) if channel else entry.channel,
            given=entry.outcome == "disclosed", count=entry.record_count,
        ))  # fmt: skip
    return out


@dataclass(frozen=True)
class Filters:
    since: dt.date | None = None
    until: dt.date | None = None
    recipient: str = ""
    before: int | None = None  # page: rows with a lower log position

    @classmethod
    def from_query(cls, params: Any) -> Filters:
        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(params.get(name, ""))
            except ValueError:
                return None

        before = params.get("voor", "")
        return cls(day("vanaf"), day("tot"), str(params.get("ontvanger", ""))[:16],
                   int(before) if before.isdigit() else None)  # fmt: skip


@dataclass(frozen=True)
class Source:
    """The holder's log as two indexed reads: rows about them (by ``subject_ref``) and bulk
    exports that contained them (by the manifest). One query with ``subject_ref IN (..) OR id IN
    (manifest)`` makes PostgreSQL scan the whole log (bench/log_page.py)."""

    direct: QuerySet[LogEntry]
    bulk: QuerySet[LogEntry]

    @classmethod
    def of(cls, numbers: list[str]) -> Source:
        gate.settle()  # the rows this request wrote first
        refs = [selectors.subject_ref(number) for number in numbers]
        exports = list(SubjectManifest.objects.filter(subject_ref__in=refs)
                       .values_list("entry_id", flat=True)[:MAX_EXPORTS])  # fmt: skip
        return cls(LogEntry.objects.filter(subject_ref__in=refs),
                   LogEntry.objects.filter(pk__in=exports))  # fmt: skip

    def own_views(self) -> int:
        return self.direct.filter(recipient_kind="holder").count()


MAX_EXPORTS = 10_000  # bulk exports shown per holder, at most


# Newest first by id, written so that PostgreSQL reads the holder's rows by the subject_ref index
# and sorts them (a few thousand at most) rather than walking the whole log backwards by primary
# key until it has found 25 of them. With the OR query and that walk, bench/log_page.py measured
# p99 269 ms for a holder with 1 000 rows behind 200 000 newer ones; without them 18 ms.
NEWEST = ExpressionWrapper(F("id") + 0, output_field=BigIntegerField()).desc()


def _filtered(rows_: QuerySet[LogEntry], filters: Filters) -> QuerySet[LogEntry]:
    rows_ = rows_.exclude(recipient_kind="holder")
    if filters.since:
        rows_ = rows_.filter(occurred_at__gte=_start(filters.since))
    if filters.until:
        rows_ = rows_.filter(occurred_at__lt=_start(filters.until + dt.timedelta(days=1)))
    if filters.recipient:
        rows_ = rows_.filter(recipient_code=filters.recipient)
    if filters.before:
        rows_ = rows_.filter(pk__lt=filters.before)
    return rows_


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def others(source: Source, filters: Filters, limit: int) -> list[LogEntry]:
    """Disclosures to others (the holder's own views are counted apart), filtered, newest first."""
    both = [*_filtered(source.direct, filters).order_by(NEWEST)[:limit],
            *_filtered(source.bulk, filters).order_by("-id")[:limit]]  # fmt: skip
    return sorted(both, key=lambda e: e.pk, reverse=True)[:limit]


def page(source: Source, filters: Filters) -> tuple[list[LogEntry], int | None]:
    """One page, newest first, and the position to continue from (None at the end)."""
    batch = others(source, filters, PAGE + 1)
    more = len(batch) > PAGE
    batch = batch[:PAGE]
    return batch, (batch[-1].pk if more and batch else None)


def recipients(source: Source) -> list[tuple[str, str]]:
    """The organisations that appear in the holder's log, for the filter."""
    codes = {code for qs in (source.direct, source.bulk)
             for code in qs.exclude(recipient_code="").values_list("recipient_code", flat=True).distinct()}  # fmt: skip
    return sorted(
        Organisation.objects.filter(code__in=codes).values_list("code", "name"), key=lambda c: c[1]
    )


def as_csv(entries: list[Row], language: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    header = (["date", "recipient", "kind", "purpose", "article", "data", "channel", "outcome"]
              if language == "en" else
              ["datum", "ontvanger", "soort", "doel", "artikel", "gegevens", "kanaal", "uitkomst"])  # fmt: skip
    writer.writerow(header)
    for row in entries:
        data = "; ".join(f"{group}: {', '.join(names)}" if group else ", ".join(names)
                         for group, names in row.what)  # fmt: skip
        outcome = ("given" if row.given else "refused") if language == "en" else (
            "verstrekt" if row.given else "geweigerd")  # fmt: skip
        writer.writerow([csvsafe.cell(str(v)) for v in (
            row.when.isoformat(timespec="minutes"), row.who, row.who_kind, row.why, row.article, data,
            row.channel, outcome)])  # fmt: skip
    return out.getvalue()
