"""Notices: opting in and out, finding new disclosures in the log, and sending the e-mails.

``scan_log`` reads log rows past the ``log`` cursor whose subject is watched by an active
preference and that disclose data to someone other than the holder (look-ups by institutions and
bodies, share-link views, extract checks), and makes one ``Notice`` per row and holder. Rows of bulk
exports (no subject of their own, only a manifest) are not noticed one by one. ``send_each`` mails
the unsent notices of holders who want each one; ``send_daily`` mails one digest per holder who
wants a day's notices at once. ``scan_corrections`` tells organisations of new correction requests.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import translation

from diplomaregister.core import clock
from diplomaregister.logboek.models import LogEntry
from diplomaregister.logboek.services import subject_ref
from diplomaregister.notices.models import (
    Notice,
    NoticePreference,
    OrganisationNotice,
    ScanCursor,
    WatchedRef,
)
from diplomaregister.portal_holder import disclosure_log
from diplomaregister.portal_institution.models import CorrectionRequest, StaffMembership

BATCH = 5000
SETTLE = dt.timedelta(minutes=5)  # a log row this old was committed (or rolled back)


def preference_of(user: User) -> NoticePreference | None:
    return NoticePreference.objects.filter(user=user).first()


@transaction.atomic
def opt_in(
    user: User, numbers: list[str], *, email: str, frequency: str, language: str
) -> NoticePreference:
    """Notices for the disclosures of the data known by these numbers (``numbers_of`` the
    holder's number: a BSN and the onderwijsnummers merged into it), from now on."""
    if frequency not in (NoticePreference.EACH, NoticePreference.DAILY):
        raise ValueError("frequency is each or daily")
    now = clock.now()
    pref, created = NoticePreference.objects.get_or_create(user=user, defaults={"created_at": now})
    if created or not pref.active:  # no notices of what happened before (or while it was off)
        pref.created_at = now
        pref.since_id = LogEntry.objects.aggregate(m=Max("pk"))["m"] or 0
    pref.email, pref.frequency, pref.active = email, frequency, True
    pref.language = "en" if language.startswith("en") else "nl"
    pref.save()
    refresh_refs(pref, numbers)
    return pref


def refresh_refs(pref: NoticePreference, numbers: list[str]) -> None:
    refs = {subject_ref(n) for n in numbers}
    pref.refs.exclude(subject_ref__in=refs).delete()
    have = set(pref.refs.values_list("subject_ref", flat=True))
    WatchedRef.objects.bulk_create(
        [WatchedRef(preference=pref, subject_ref=r) for r in sorted(refs - have)]
    )


def opt_out(user: User) -> None:
    NoticePreference.objects.filter(user=user).update(active=False)


def _cursor(name: str) -> ScanCursor:
    return ScanCursor.objects.select_for_update().get_or_create(name=name)[0]


@transaction.atomic
def scan_log() -> int:
    """``Notice`` rows for the log rows past the cursor (by id); returns how many are new.

    The log's parallel chains commit out of id order, so the cursor only passes rows older than
    ``SETTLE`` (every transaction that wrote one has ended); younger rows are read again at the
    next tick, and the unique (preference, entry) keeps a row from being noticed twice."""
    cursor = _cursor("log")
    watched = WatchedRef.objects.filter(preference__active=True)
    if not watched.exists():  # nobody to tell: skip what is there
        cursor.position = _settled_up_to(cursor.position, everything=True)
        cursor.save(update_fields=["position"])
        return 0
    rows = list(
        LogEntry.objects.filter(pk__gt=cursor.position, outcome="disclosed")
        .exclude(recipient_kind="holder")
        .filter(subject_ref__in=watched.values("subject_ref"))
        .order_by("pk")
        .values_list("pk", "subject_ref")[:BATCH]
    )
    by_ref: dict[str, list[NoticePreference]] = defaultdict(list)
    for ref in watched.select_related("preference"):
        by_ref[ref.subject_ref].append(ref.preference)
    now = clock.now()
    have = set(
        Notice.objects.filter(entry_id__in=[pk for pk, _ref in rows]).values_list(
            "preference_id", "entry_id"
        )
    )
    made = [
        Notice(preference=pref, entry_id=pk, created_at=now)
        for pk, ref in rows
        for pref in by_ref.get(ref, [])
        if pk > pref.since_id and (pref.pk, pk) not in have
    ]
    Notice.objects.bulk_create(made, ignore_conflicts=True)
    limit = rows[-1][0] if len(rows) == BATCH else None
    cursor.position = _settled_up_to(cursor.position, upto=limit)
    cursor.save(update_fields=["position"])
    return len(made)


def _settled_up_to(position: int, *, upto: int | None = None, everything: bool = False) -> int:
    """The highest log id below which every row is older than ``SETTLE`` (at most ``upto``)."""
    young = LogEntry.objects.filter(pk__gt=position, occurred_at__gte=clock.now() - SETTLE)
    first_young = young.order_by("pk").values_list("pk", flat=True).first()
    if first_young is not None:
        end = first_young - 1
    else:
        end = LogEntry.objects.aggregate(m=Max("pk"))["m"] or position
    if upto is not None and not everything:
        end = min(end, upto)
    return max(position, end)


def _mail(pref: NoticePreference, notices: list[Notice]) -> None:
    with translation.override(pref.language):
        entries = [n.entry for n in notices]
        context = {
            "rows": disclosure_log.rows(entries, pref.language),
            "url": f"{settings.EXTRACT_PUBLIC_URL.rstrip('/')}/mijn/inzage-log/",
            "settings_url": f"{settings.EXTRACT_PUBLIC_URL.rstrip('/')}/mijn/meldingen/",
        }
        subject = render_to_string("notices/holder_subject.txt", context).strip()
        body = render_to_string("notices/holder_mail.txt", context)
    send_mail(subject, body, None, [pref.email])


def _send(prefs: list[NoticePreference]) -> int:
    sent = 0
    for pref in prefs:
        with transaction.atomic():
            notices = list(
                Notice.objects.select_for_update(of=("self",))
                .filter(preference=pref, sent_at__isnull=True)
                .select_related("entry")
                .order_by("entry__seq")
            )
            if not notices:
                continue
            if pref.email:
                _mail(pref, notices)
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(sent_at=clock.now())
            sent += 1
    return sent


def send_each() -> int:
    """One e-mail per holder with unsent notices who wants each notice; returns mails sent."""
    prefs = NoticePreference.objects.filter(
        active=True, frequency=NoticePreference.EACH, notices__sent_at__isnull=True
    ).distinct()
    return _send(list(prefs))


def send_daily(now: dt.datetime | None = None) -> int:
    """The day's digest for holders who want notices once a day (not twice within 23 hours)."""
    moment = now or clock.now()
    prefs = [
        p
        for p in NoticePreference.objects.filter(
            active=True, frequency=NoticePreference.DAILY, notices__sent_at__isnull=True
        ).distinct()
        if p.last_digest_at is None or moment - p.last_digest_at >= dt.timedelta(hours=23)
    ]
    sent = _send(prefs)
    NoticePreference.objects.filter(pk__in=[p.pk for p in prefs]).update(last_digest_at=moment)
    return sent


def notices_of(user: User, limit: int = 50) -> list[Notice]:
    return list(
        Notice.objects.filter(preference__user=user)
        .select_related("entry")
        .order_by("-entry__seq")[:limit]
    )


@transaction.atomic
def scan_corrections() -> int:
    """An ``OrganisationNotice`` and an e-mail to the staff (who have an address) of the awarding
    organisation for each new correction request; returns how many."""
    cursor = _cursor("corrections")
    new = list(
        CorrectionRequest.objects.filter(pk__gt=cursor.position)
        .select_related("organisation", "diploma")
        .order_by("pk")[:BATCH]
    )
    if not new:
        return 0
    now = clock.now()
    OrganisationNotice.objects.bulk_create(
        [OrganisationNotice(organisation=r.organisation, request=r, created_at=now) for r in new],
        ignore_conflicts=True,
    )
    by_org: dict[int, list[CorrectionRequest]] = defaultdict(list)
    for req in new:
        by_org[req.organisation_id].append(req)
    for org_id, requests in by_org.items():
        addresses = [
            a
            for a in StaffMembership.objects.filter(organisation_id=org_id).values_list(
                "user__email", flat=True
            )
            if a
        ]
        if addresses:
            context = {
                "requests": requests,
                "url": f"{settings.EXTRACT_PUBLIC_URL.rstrip('/')}/instelling/correctieverzoeken/",
            }
            with translation.override("nl"):
                body = render_to_string("notices/organisation_mail.txt", context)
                subject = render_to_string("notices/organisation_subject.txt", context).strip()
            send_mail(subject, body, None, addresses)
    OrganisationNotice.objects.filter(request__in=new).update(sent_at=now)
    cursor.position = new[-1].pk
    cursor.save(update_fields=["position"])
    return len(new)
