"""``diplomaregister create_operator --username NAME``: an operator (superuser) account for the admin
at /admin/, with the TOTP device the admin requires as a second factor; prints the password
(unless given) and the otpauth:// URI for an authenticator app, once.

``--reset-device``: an existing operator gets a new TOTP device (the old ones stop working)."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Create an operator (admin superuser) with a TOTP device; prints the authenticator URI."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", help="default: a random password, printed once")
        parser.add_argument(
            "--reset-device",
            action="store_true",
            help="for an existing operator: replace their TOTP device(s) with a new one",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        username = options["username"]
        user = user_model.objects.filter(username=username).first()
        if options["reset_device"]:
            if user is None or not user.is_staff:
                raise CommandError(f"no operator {username!r}")
            TOTPDevice.objects.filter(user=user).delete()
        else:
            if user is not None:
                raise CommandError("that username exists (--reset-device gives it a new device)")
            password = options["password"] or secrets.token_urlsafe(12)
            user = user_model.objects.create_superuser(username=username, password=password)
            self.stdout.write(f"operator {user.username} created")
            if not options["password"]:
                self.stdout.write(f"password (shown once): {password}")
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        self.stdout.write(f"TOTP (add to an authenticator app): {device.config_url}")
        self.stdout.write("log in at /admin/ with username, password and the app's 6-digit code")
