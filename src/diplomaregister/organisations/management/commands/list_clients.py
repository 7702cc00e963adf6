"""``diplomaregister list_clients``: API clients with their roles and tokens (prefix, expiry)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from diplomaregister.organisations.models import ApiClient


class Command(BaseCommand):
    help = "List API clients, their roles and their tokens (prefix and expiry; never the token)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="Only this organisation's clients.")

    def handle(self, *args, **options):
        clients = ApiClient.objects.select_related("organisation").prefetch_related("tokens")
        if options["organisation"]:
            clients = clients.filter(organisation__code=options["organisation"])
        now = timezone.now()
        for client in clients.order_by("organisation__code", "name", "pk"):
            state = "revoked" if client.revoked_at else "active"
            self.stdout.write(f"{client.pk}\t{client}\t{','.join(client.roles)}\t{state}")
            for token in client.tokens.all():
                if token.revoked_at or client.revoked_at:
                    status = "revoked"
                elif token.expires_at <= now:
                    status = "expired"
                else:
                    status = f"valid until {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M %Z}"
                self.stdout.write(f"\t{token}\t{status}")
