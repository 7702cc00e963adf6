"""``django.contrib.admin`` whose ``admin.site`` is the OTP-protected operator site
(``core.admin_otp``). A module of its own: app configs are imported before models are ready."""

from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    default_site = "diplomaregister.core.admin_otp.OperatorAdminSite"
