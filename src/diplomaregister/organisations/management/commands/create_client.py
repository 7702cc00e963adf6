from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime

from diplomaregister.organisations.auth import create_client
from diplomaregister.organisations.models import ApiClient, Organisation


class Command(BaseCommand):
    help = "Create an API client for an organisation and print its bearer token (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="Organisation code (e.g. BRIN).")
        parser.add_argument("--name", default="default")
        parser.add_argument(
            "--role", action="append", choices=ApiClient.ROLES, help="Repeatable; default deliver."
        )
        parser.add_argument(
            "--lifetime-days",
            type=float,
            help=f"Token lifetime (default API_TOKEN_LIFETIME_DAYS, {settings.API_TOKEN_LIFETIME.days}).",
        )

    def handle(self, *args, **options):
        try:
            organisation = Organisation.objects.get(code=options["organisation"])
        except Organisation.DoesNotExist as exc:
            raise CommandError(f"No organisation with code {options['organisation']!r}.") from exc
        days = options["lifetime_days"]
        client, token = create_client(
            organisation,
            options["name"],
            options["role"] or ["deliver"],
            lifetime=None if days is None else timedelta(days=days),
        )
        expires = client.tokens.get().expires_at
        self.stderr.write(
            f"Client {client} (id {client.pk}) created; its token expires {localtime(expires):%Y-%m-%d %H:%M %Z}."
            " Store this token now, it is not kept:"
        )
        self.stdout.write(token)
