"""The notice tasks (django-tasks). ``tick`` runs every 30 seconds (``diplomaregister
notices_worker``), so a holder who wants each notice has it within a minute of the look-up;
``daily`` sends the day's digests. With the immediate backend (settings ``TASKS``) the worker runs
them itself; with a database backend it enqueues them for that backend's workers."""

from __future__ import annotations

from django_tasks import task

from diplomaregister.notices import services


@task()
def tick() -> dict[str, int]:
    """New notices from the log, the e-mails of those who want each one, correction requests."""
    made = services.scan_log()
    sent = services.send_each()
    corrections = services.scan_corrections()
    return {"notices": made, "mails": sent, "corrections": corrections}


@task()
def daily() -> dict[str, int]:
    services.scan_log()
    return {"digests": services.send_daily()}
