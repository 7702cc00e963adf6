from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LogboekConfig(AppConfig):
    name = "diplomaregister.logboek"
    label = "logboek"

    def ready(self) -> None:
        from diplomaregister.logboek.partitions import after_migrate

        # every migrate makes sure this month's and the next months' log partitions exist
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="log-partitions")
