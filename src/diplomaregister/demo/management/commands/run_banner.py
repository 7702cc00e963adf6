"""``diplomaregister run_banner --url URL``: what ``make run`` prints before it serves.

The address, a few demo BSNs with what each one shows in Mijn diploma's, how to get a login for the
institution portal (a demo organisation code and the ``create_staff_user`` line) and for the
operator admin. Reads the demo data; prints shorter advice when the register is empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from diplomaregister.demo.services import showcase
from diplomaregister.law.loaders import legal_bases
from diplomaregister.register.models import DiplomaVersion

# Loopback addresses: anything else exposes the DigiD mock (log in as any BSN) to the network.
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
RULE = "-" * 78


@dataclass
class Holder:
    pgn: str
    sectors: set[str] = field(default_factory=set)
    latest: dict[int, tuple[int, str, int]] = field(default_factory=dict)  # diploma: version

    @property
    def corrected(self) -> int:
        return sum(1 for v, status, _ in self.latest.values() if status == "valid" and v > 1)

    @property
    def withdrawn(self) -> int:
        return sum(1 for _, status, _ in self.latest.values() if status == "withdrawn")

    def describe(self) -> str:
        count = len(self.latest)
        text = f"{count} diploma{'s' if count != 1 else ''}: {', '.join(sorted(self.sectors))}"
        if self.corrected:
            text += f"; {self.corrected} corrected by the institution"
        if self.withdrawn:
            text += f"; {self.withdrawn} withdrawn"
        return text


def _holders(pgns: list[str]) -> dict[str, Holder]:
    holders = {pgn: Holder(pgn) for pgn in pgns}
    rows = DiplomaVersion.objects.filter(person__pgn__in=pgns).values_list(
        "person__pgn", "diploma_id", "version", "status", "sector", "diploma__organisation_id"
    )
    for pgn, diploma_id, version, status, sector, organisation_id in rows:
        holder = holders[pgn]
        holder.sectors.add(sector)
        if diploma_id not in holder.latest or holder.latest[diploma_id][0] < version:
            holder.latest[diploma_id] = (version, status, organisation_id)
    return holders


def _with_history(status: str, exclude: set[str]) -> str | None:
    """A BSN holder whose latest version of some diploma is a correction or a withdrawal."""
    versions = DiplomaVersion.objects.filter(version__gt=1, status=status, person__pgn_type="bsn")
    for pgn in versions.order_by("person_id").values_list("person__pgn", flat=True)[:50]:
        if pgn not in exclude:
            holder = _holders([pgn])[pgn]
            if (holder.corrected if status == "valid" else holder.withdrawn) > 0:
                return pgn
    return None


def demo_holders(limit: int = 3) -> list[Holder]:
    """A few BSNs whose diplomas span sectors, plus one with a corrected and one with a withdrawn
    diploma when none of those shows one (and the demo data has them)."""
    pgns = [pgn for pgn, _sectors in showcase(limit)]
    holders = _holders(pgns)
    for status, shown in (("valid", "corrected"), ("withdrawn", "withdrawn")):
        if not any(getattr(h, shown) for h in holders.values()):
            extra = _with_history(status, set(pgns))
            if extra:
                pgns.append(extra)
                holders.update(_holders([extra]))
    return [holders[pgn] for pgn in pgns]


def demo_organisation(holder: Holder) -> tuple[Any, str] | None:
    """An institution that awarded one of the holder's diplomas, and the basis to look it up."""
    from diplomaregister.organisations.models import Organisation

    basis = legal_bases().get("art53_2")
    if basis is None:
        return None
    ids = [organisation for _v, _s, organisation in holder.latest.values()]
    awarded = Organisation.objects.filter(pk__in=ids, kind__in=basis.recipient_kinds)
    first = awarded.order_by("code").first()
    return (first, basis.article) if first else None


class Command(BaseCommand):
    help = "Print the address, demo BSNs and how to log in to each portal (used by make run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the served address")
        parser.add_argument("--host", default="127.0.0.1", help="the bound address")
        parser.add_argument("--app", default="diplomaregister", help="the command to show")
        parser.add_argument("--limit", type=int, default=3, help="broad demo persons to show")

    def handle(self, *args: Any, **options: Any) -> None:
        url, app = options["url"].rstrip("/"), options["app"]
        out: list[str] = [RULE, f"Diplomaregister is serving at {url}/   (Ctrl-C stops it)"]
        out.append("  Another address or port: e.g. PORT=8001 make run (HOST and PORT)")
        if options["host"] not in LOOPBACK and settings.DIGID_MOCK:
            out.append(
                f"  WARNING: bound to {options['host']} with the DigiD mock on: anyone who can "
                "reach this address can log in as any BSN."
            )
        out += ["", f"Mijn diploma's   {url}/mijn/"]
        holders = demo_holders(options["limit"])
        if holders:
            out.append("  DigiD is a mock here: choose the BSN login and type one of these BSNs")
            out.append("  (any password):")
            out += [f"    {h.pgn}  {h.describe()}" for h in holders]
            out.append(f"  More: {app} demo_persons --limit 20")
        else:
            out.append(f"  The register is empty: load demo data with {app} generate_demo")
        out += ["", f"Institution portal   {url}/instelling/"]
        found = demo_organisation(holders[0]) if holders else None
        code = found[0].code if found else "CODE"
        username = "demo"
        users = get_user_model().objects
        suffix = 2
        while users.filter(username=username).exists():
            username, suffix = f"demo{suffix}", suffix + 1
        out.append("  Create a staff account (prints a password and an authenticator URI for the")
        out.append("  TOTP code; add the URI to an authenticator app):")
        out.append(f"    {app} create_staff_user --organisation {code} --username {username}")
        if found:
            org, article = found
            out.append(
                f'  {org.code} is {org.name}: log in, open "Diploma\'s inzien" and look up BSN'
            )
            out.append(f"  {holders[0].pgn} under {article} (the documents it awarded).")
        out += [
            "",
            f"Operator admin   {url}/admin/ (password + authenticator code)",
            f"    {app} create_operator --username admin",
        ]
        out += [
            "",
            f"Verify an extract   {url}/verifieren/   (download one in Mijn diploma's first)",
            f"API documentation   {url}/api/v1/docs/   (clients: {app} create_client)",
            RULE,
        ]
        self.stdout.write("\n".join(out))
