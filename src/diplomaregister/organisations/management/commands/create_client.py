from django.core.management.base import BaseCommand, CommandError

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

    def handle(self, *args, **options):
        try:
            organisation = Organisation.objects.get(code=options["organisation"])
        except Organisation.DoesNotExist as exc:
            raise CommandError(f"No organisation with code {options['organisation']!r}.") from exc
        client, token = create_client(organisation, options["name"], options["role"] or ["deliver"])
        self.stderr.write(f"Client {client} created; store this token now, it is not kept:")
        self.stdout.write(token)
