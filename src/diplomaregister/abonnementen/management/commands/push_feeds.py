"""``diplomaregister push_feeds``: push pending feed pages to subscribers' webhooks (run it often,
e.g. every minute from cron or a worker; failed pushes wait out their backoff)."""

from typing import Any

from django.core.management.base import BaseCommand

from diplomaregister.abonnementen.push import push_all


class Command(BaseCommand):
    help = "Push pending change-feed pages to webhook subscribers, with signatures and retries."

    def handle(self, *args: Any, **options: Any) -> None:
        results = push_all()
        self.stdout.write(
            ", ".join(f"{k} {v}" for k, v in sorted(results.items())) or "no webhook subscriptions"
        )
