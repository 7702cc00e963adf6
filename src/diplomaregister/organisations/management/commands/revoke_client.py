"""``diplomaregister revoke_client CLIENT``: end an API client and all of its tokens at once
(``--token PREFIX``: only that token, e.g. an old one that leaked after a rotation)."""

from django.core.management.base import BaseCommand, CommandError

from diplomaregister.organisations.auth import revoke_client, revoke_token
from diplomaregister.organisations.management.clients import find_client


class Command(BaseCommand):
    help = "Revoke an API client (all its tokens) or one of its tokens; takes effect at once."

    def add_arguments(self, parser):
        parser.add_argument("client", help="Client id or ORGANISATION/NAME.")
        parser.add_argument("--token", help="Revoke only the token with this prefix (dr_PREFIX_…).")

    def handle(self, *args, **options):
        client = find_client(options["client"])
        if options["token"]:
            token = client.tokens.filter(prefix=options["token"]).first()
            if token is None:
                raise CommandError(f"{client} has no token {options['token']!r}.")
            revoke_token(token)
            self.stdout.write(f"Token {token} of {client} revoked.")
            return
        revoke_client(client)
        self.stdout.write(f"Client {client} and its tokens revoked.")
