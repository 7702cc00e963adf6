from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from diplomaregister.extracts.pki import make_dev_pki


class Command(BaseCommand):
    help = (
        "Generate the development PKI (root CA -> register extract signing certificate) used "
        "when no signing key is configured. Keeps an existing one unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.VAR_DIR) / "pki"))
        parser.add_argument("--label", default="Diplomaregister dev")
        parser.add_argument("--force", action="store_true", help="replace an existing PKI")

    def handle(self, *args, **options):
        pki = make_dev_pki(Path(options["out"]), label=options["label"], overwrite=options["force"])
        self.stdout.write(f"root CA:          {pki.root_cert}")
        self.stdout.write(f"signing PKCS#12:  {pki.signing_p12} (password: {pki.password})")
        self.stdout.write(f"signing cert/key: {pki.signing_cert}, {pki.signing_key}")
