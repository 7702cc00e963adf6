"""``diplomaregister create_staff_user --organisation CODE --username U``: an institution staff
account with a TOTP device; prints the otpauth:// URI for an authenticator app (shown once)."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from diplomaregister.organisations.models import Organisation
from diplomaregister.portal_institution.models import StaffMembership


class Command(BaseCommand):
    help = "Create an institution staff user with two-factor authentication (TOTP)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True)
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", help="default: a random password, printed once")
        parser.add_argument("--email", default="", help="where notices of correction requests go")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organisation.objects.filter(code=options["organisation"]).first()
        if org is None:
            raise CommandError(f"unknown organisation {options['organisation']}")
        user_model = get_user_model()
        if user_model.objects.filter(username=options["username"]).exists():
            raise CommandError("that username exists")
        password = options["password"] or secrets.token_urlsafe(12)
        user = user_model.objects.create_user(
            username=options["username"], password=password, email=options["email"]
        )
        StaffMembership.objects.create(user=user, organisation=org)
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        self.stdout.write(f"staff user {user.username} for {org.code} ({org.name})")
        if not options["password"]:
            self.stdout.write(f"password (shown once): {password}")
        self.stdout.write(f"TOTP (add to an authenticator app): {device.config_url}")
