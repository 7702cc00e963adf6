from django.core.management.base import BaseCommand

from diplomaregister.core.configdocs import readme_path, render


class Command(BaseCommand):
    help = "Regenerate the configuration table in README.md from conf/env.py."

    def handle(self, *args, **options):
        # Import settings so that every app's env declarations are loaded.
        from django.conf import settings  # noqa: F401

        path = readme_path()
        path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"updated {path}")
