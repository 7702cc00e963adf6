"""The operator admin behind a second factor: ``django.contrib.admin`` with django-otp's
``OTPAdminSite`` as the default site (``core.admin_apps.OperatorAdminConfig`` in INSTALLED_APPS),
so every ``admin.site.register`` lands behind it.

An operator logs in with username, password and the code of their TOTP device
(``diplomaregister create_operator`` makes one); a session that is logged in but not verified by a
device (e.g. a password-only login elsewhere) is treated as not staff. Every admin login, failed
login and logout is logged by user id and outcome only, never by name or address.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

from diplomaregister.core import lockout

logger = logging.getLogger("diplomaregister.admin")


class OperatorAuthenticationForm(OTPAdminAuthenticationForm):
    """Username, password and TOTP code; says so when the username is locked out."""

    error_messages = {
        **OTPAdminAuthenticationForm.error_messages,
        "locked_out": _("Too many failed logins. Try again later."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username and lockout.is_locked(username):
            raise forms.ValidationError(self.error_messages["locked_out"], code="locked_out")
        return super().clean()

    def _chosen_device(self, user: Any) -> Any:
        # an operator has one authenticator: use it without asking which device
        return super()._chosen_device(user) or (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        )


class OperatorAdminSite(OTPAdminSite):
    login_form = OperatorAuthenticationForm

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        response = super().login(request, extra_context)
        if request.method == "POST":
            # after a successful login request.user is the user auth.login() set, with the
            # device django-otp verified in ``otp_device``
            user: Any = request.user
            device = getattr(user, "otp_device", None)
            if user.is_authenticated and user.is_active and user.is_staff and device is not None:
                logger.info("admin.login user_id=%s device_id=%s", user.pk, device.pk)
            else:
                logger.warning("admin.login.failed status=%s", response.status_code)
        return response

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        user_id = request.user.pk if request.user.is_authenticated else None
        response: HttpResponse = super().logout(request, extra_context)
        logger.info("admin.logout user_id=%s", user_id)
        return response
