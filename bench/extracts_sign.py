"""Benchmark: signed extracts per second against its two baselines, measured in the same run.

    python scripts/throwaway_pg.py -- .venv/bin/python bench/extracts_sign.py [--n 200] [--requests 300]

Prints, each as a rate and as a ratio:
  * unsigned PDF generation (read through the disclosure engine + rendering, no signature);
  * bare pyHanko signature of a fixed PDF, PAdES B-B, no DB: with the register's cached signer
    (key parsed once, space reserved up front; the baseline for the target) and, for reference,
    with pyHanko's stock SimpleSigner (re-parses the key on every signature, and signs twice);
  * for reference, the register's one-pass signature of an extract rendered with its signature
    field (``signing.sign_rendered``: the same signer and CMS, no re-parse or second write; what
    make_extract uses);
  * signed extracts via ``extracts.services.make_extract`` (read, render, sign, store the Extract);
    target: >= 80 % of the bare signing rate (the register's signer on the fixed PDF);
  * the same ratio from ``--rounds`` interleaved rounds (bare and signed alternating in short
    blocks), as a median: this shared machine drifts between two long blocks;
  * verification page requests per second (Django test client): GET /verifieren/<code> and a
    POST upload of the signed PDF (signature validation included).
Uses the development PKI (RSA 2048) in a temporary directory. Without DATABASE_URL it runs on a
temporary SQLite file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = Path(tempfile.mkdtemp(prefix="bench-extracts-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ["DIPLOMAREGISTER_VAR_DIR"] = str(TMP)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")
os.environ["EXTRACT_VERIFY_RATE"] = "1000000/minute"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from tqdm import tqdm  # noqa: E402

from diplomaregister.core import clock  # noqa: E402
from diplomaregister.extracts import signing  # noqa: E402
from diplomaregister.extracts.codes import new_code  # noqa: E402
from diplomaregister.extracts.content import ExtractContent, content_from, extract_fields  # noqa: E402
from diplomaregister.extracts.pdfsignature import SignatureSlot  # noqa: E402
from diplomaregister.extracts.rendering import render_pdf  # noqa: E402
from diplomaregister.extracts.services import make_extract, verify_url  # noqa: E402
from diplomaregister.extracts.signing import sign_pdf, sign_rendered, signature_slot  # noqa: E402
from diplomaregister.organisations.factories import OrganisationFactory  # noqa: E402
from diplomaregister.register import services  # noqa: E402
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory  # noqa: E402
from diplomaregister.verstrekking import engine as disclosure_engine  # noqa: E402


def rate(label: str, n: int, func) -> float:
    for _ in range(min(5, n)):  # warm-up
        func()
    start = time.perf_counter()
    for _ in tqdm(range(n), desc=label, unit="op", leave=False, file=sys.stderr):
        func()
    elapsed = time.perf_counter() - start
    per_second = n / elapsed
    print(f"{label:<44} {per_second:9.1f} /s   {1000 * elapsed / n:7.2f} ms each")
    return per_second


def interleaved(rounds: int, n: int, bare, signed) -> list[float]:
    """signed/bare rate ratio per round, the two alternating in blocks of ``n`` (so drift of this
    shared machine between two long blocks does not decide the ratio)."""
    ratios = []
    for _ in tqdm(range(rounds), desc="interleaved", leave=False, file=sys.stderr):
        times = {}
        for name, func in (("bare", bare), ("signed", signed)):
            start = time.perf_counter()
            for _ in range(n):
                func()
            times[name] = time.perf_counter() - start
        ratios.append(times["bare"] / times["signed"])
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200, help="extracts / signatures per measurement")
    parser.add_argument("--requests", type=int, default=300, help="verification page requests")
    parser.add_argument("--rounds", type=int, default=11, help="interleaved rounds for the ratio")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    school = OrganisationFactory(kind="vo_school", name="Stedelijk Gymnasium Benchdam")
    university = OrganisationFactory(universiteit=True)
    person_data = PersonDataFactory(family_name="Jansen", given_names="Anna Maria")
    services.record_diploma(person_data, DiplomaDataFactory(), organisation=school)
    services.record_diploma(
        person_data, DiplomaDataFactory(ho=True, date_of_issue=clock.today()),
        organisation=university,
    )  # fmt: skip
    from diplomaregister.register.selectors import person_by_pgn

    person = person_by_pgn(person_data.pgn)
    assert person is not None
    pki = signing.dev_pki()
    engine = django.db.connection.vendor
    print(f"database: {engine}; 2 diplomas (VO with grades, WO) per extract; RSA-2048 dev key")
    print("machine: 2 cores shared with other engineers' jobs: figures are noisy\n")

    def content() -> ExtractContent:
        # the read make_extract does (through the disclosure engine, log row included)
        disclosed = disclosure_engine.disclose(
            requester=disclosure_engine.Requester(kind="holder", label="uittreksel"),
            basis="holder", subject=person, channel="portal", fields=extract_fields("nl"),
            only_valid=True,
        )  # fmt: skip
        return content_from(disclosed, "nl", known_at=clock.now())

    def unsigned(slot: SignatureSlot | None = None) -> bytes:
        code = new_code()
        return render_pdf(content(), code=code, verify_url=verify_url(code), language="nl",
                          today=clock.today(), signature=slot)  # fmt: skip

    fixed = unsigned()
    slot = signature_slot(clock.now())
    prepared = unsigned(slot)  # with its signature field, for the one-pass reference
    stock_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name="Signature", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        ),
        signer=signers.SimpleSigner.load_pkcs12(pki.signing_p12, passphrase=pki.password.encode()),
    )

    def stock() -> bytes:
        out = BytesIO()
        stock_signer.sign_pdf(IncrementalPdfFileWriter(BytesIO(fixed)), output=out)
        return out.getvalue()

    r_unsigned = rate("unsigned PDF generation (read + render)", args.n, lambda: unsigned())
    r_stock = rate("bare pyHanko, stock SimpleSigner, fixed PDF", max(args.n // 4, 10), stock)
    r_bare = rate("bare pyHanko, register's signer, fixed PDF", args.n, lambda: sign_pdf(fixed))
    r_one_pass = rate(
        "register's signer, one pass (sign_rendered)", args.n, lambda: sign_rendered(prepared, slot)
    )
    r_signed = rate("signed extracts (make_extract)", args.n, lambda: make_extract(person))
    print(
        f"\nsigned / bare signing (register's signer): {r_signed / r_bare:6.1%}  (target >= 80 %)"
        f"\nsigned / one-pass signing (reference):      {r_signed / r_one_pass:6.1%}"
        f"\nsigned / bare signing (stock SimpleSigner): {r_signed / r_stock:6.1%}"
        f"\nsigned / unsigned generation:               {r_signed / r_unsigned:6.1%}\n"
    )
    ratios = interleaved(args.rounds, max(args.n // 10, 5), lambda: sign_pdf(fixed),
                         lambda: make_extract(person))  # fmt: skip
    print(
        f"signed / bare signing, {len(ratios)} interleaved rounds: median "
        f"{statistics.median(ratios):6.1%} (rounds {', '.join(f'{r:.0%}' for r in ratios)};"
        f" target >= 80 %)\n"
    )

    setup_test_environment()
    client = Client()
    extract = make_extract(person)
    r_code = rate(
        "GET /verifieren/<code>", args.requests, lambda: client.get(f"/verifieren/{extract.code}")
    )
    response = client.get(f"/verifieren/{extract.code}")
    assert response.status_code == 200 and b"Anna Maria Jansen" in response.content

    def post() -> None:
        upload = BytesIO(extract.pdf_bytes)
        upload.name = "extract.pdf"
        client.post("/verifieren/", {"extract": upload})

    r_upload = rate("POST /verifieren/ (PDF upload, validation)", args.requests, post)
    print(f"\nverification pages: {r_code:.0f} code lookups/s, {r_upload:.0f} uploads/s")


if __name__ == "__main__":
    main()
