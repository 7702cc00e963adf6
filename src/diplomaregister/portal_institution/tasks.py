"""Tasks of the institution portal (django-tasks): a batch file uploaded in the portal goes through
the one delivery pipeline (``levering.files`` + ``levering.pipeline``) here, not in the request,
with a database backend; the immediate backend runs it right away."""

from __future__ import annotations

from pathlib import Path

from django_tasks import task

from diplomaregister.levering import files, pipeline
from diplomaregister.portal_institution.models import Upload


@task()
def process_upload(upload_id: int) -> dict[str, int]:
    upload = Upload.objects.select_related("delivery__organisation").get(pk=upload_id)
    delivery = upload.delivery
    path = Path(upload.path)
    if delivery.status != "done" and path.exists():
        with path.open("rb") as stream:
            delivery = pipeline.run(delivery, files.read_records(stream, upload.file_format))
    if delivery.status == "done" and upload.path:
        path.unlink(missing_ok=True)
        Upload.objects.filter(pk=upload.pk).update(path="")
    return delivery.counts
