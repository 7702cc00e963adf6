"""``diplomaregister import_file PATH --organisation CODE [--report OUT]``: a batch delivery."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from diplomaregister.core import csvsafe
from diplomaregister.levering import files, pipeline
from diplomaregister.levering.models import DeliveryRecord
from diplomaregister.organisations.models import Organisation


class Command(BaseCommand):
    help = "Import a CSV or JSON Lines file of diplomas for one organisation (resumable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--organisation", required=True, help="code of the delivering organisation"
        )
        parser.add_argument("--report", type=Path, help="write one line per rejected record here")
        parser.add_argument("--chunk-size", type=int, default=pipeline.CHUNK)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"unknown organisation {options['organisation']}")
        try:
            fmt = files.file_format(path.name)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            files.check_header(path, fmt)
        except files.FileFormatError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        delivery = pipeline.start(organisation, channel="file", file_name=path.name,
                                  file_sha256=files.sha256_of(path))  # fmt: skip
        if delivery.status == "done":
            self.stdout.write(
                f"delivery {delivery.pk}: this file was imported before; nothing to do"
            )
        else:
            if delivery.next_index:
                self.stdout.write(
                    f"delivery {delivery.pk}: resuming after record {delivery.next_index}"
                )
            total = files.count_lines(path) - (1 if fmt == "csv" else 0)
            with (
                tqdm(total=total, unit="record", disable=options["no_progress"]) as bar,
                path.open("rb") as stream,
            ):
                delivery = pipeline.run(delivery, files.read_records(stream, fmt),
                                        chunk_size=options["chunk_size"], on_progress=bar.update)  # fmt: skip
        self.stdout.write(
            f"delivery {delivery.pk}: " + ", ".join(f"{k} {v}" for k, v in delivery.counts.items())
        )
        if delivery.status == "failed":
            raise CommandError(f"delivery {delivery.pk} stopped: {delivery.failure}")
        if options["report"]:
            self._report(delivery.pk, Path(options["report"]), header=fmt == "csv")

    def _report(self, delivery_id: int, out: Path, *, header: bool) -> None:
        rows = DeliveryRecord.objects.filter(delivery_id=delivery_id, outcome="rejected").order_by(
            "index"
        )
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["line", "record_key", "field", "rule", "message"])
            for row in rows.iterator():
                line = row.index + (2 if header else 1)
                for v in row.violations:
                    writer.writerow([line, *(csvsafe.cell(str(x)) for x in (
                        row.record_key, v["field"], v["rule"], v["message"]))])  # fmt: skip
