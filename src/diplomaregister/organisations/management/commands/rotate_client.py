"""``diplomaregister rotate_client CLIENT``: a new token for an API client, without downtime.

The new token is printed once; the client's current tokens keep working for the overlap
(``--overlap-hours``, default API_TOKEN_ROTATION_OVERLAP_HOURS) or until their own expiry if that
is sooner, so the client can deploy the new token before the old one stops.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime

from diplomaregister.organisations.auth import rotate_client
from diplomaregister.organisations.management.clients import find_client


class Command(BaseCommand):
    help = "Issue a new token for an API client; the old one keeps working for a short overlap."

    def add_arguments(self, parser):
        parser.add_argument("client", help="Client id or ORGANISATION/NAME.")
        parser.add_argument(
            "--overlap-hours",
            type=float,
            help="How long the current token(s) keep working (default "
            f"API_TOKEN_ROTATION_OVERLAP_HOURS, {settings.API_TOKEN_ROTATION_OVERLAP}); 0: stop now.",
        )
        parser.add_argument("--lifetime-days", type=float, help="Lifetime of the new token.")

    def handle(self, *args, **options):
        client = find_client(options["client"])
        hours, days = options["overlap_hours"], options["lifetime_days"]
        try:
            row, token = rotate_client(
                client,
                overlap=None if hours is None else timedelta(hours=hours),
                lifetime=None if days is None else timedelta(days=days),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for old in client.tokens.exclude(pk=row.pk).filter(revoked_at__isnull=True):
            self.stderr.write(
                f"Old token {old} works until {localtime(old.expires_at):%Y-%m-%d %H:%M %Z}."
            )
        self.stderr.write(
            f"New token for {client} expires {localtime(row.expires_at):%Y-%m-%d %H:%M %Z}. Store it now, it "
            "is not kept:"
        )
        self.stdout.write(token)
