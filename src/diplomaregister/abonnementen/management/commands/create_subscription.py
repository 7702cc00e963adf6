"""``diplomaregister create_subscription --recipient CODE --basis ART [--webhook URL]``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from diplomaregister.abonnementen.models import Subscription
from diplomaregister.abonnementen.push import webhook_secret
from diplomaregister.core import clock
from diplomaregister.organisations.models import Organisation
from diplomaregister.verstrekking.engine import BasisNotAllowed, Requester, check


class Command(BaseCommand):
    help = "Subscribe a recipient to the change feed of a basis (mode subscription)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--recipient", required=True)
        parser.add_argument("--basis", required=True)
        parser.add_argument("--webhook", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organisation.objects.filter(code=options["recipient"]).first()
        if org is None:
            raise CommandError(f"unknown recipient {options['recipient']}")
        try:
            check(Requester(kind="organisation", organisation=org), options["basis"], "feed")
        except BasisNotAllowed as exc:
            raise CommandError(f"refused: {exc.reason}") from exc
        sub = Subscription.objects.create(organisation=org, basis=options["basis"],
                                          webhook_url=options["webhook"], created_at=clock.now())  # fmt: skip
        self.stdout.write(f"subscription {sub.pk}: GET /api/v1/abonnementen/{sub.pk}/wijzigingen")
        if sub.webhook_url:
            self.stdout.write(f"webhook secret (shown once): {webhook_secret(sub)}")
