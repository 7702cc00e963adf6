"""On PostgreSQL the subject manifest of bulk disclosures refuses UPDATE and DELETE, like the log."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE TRIGGER logboek_subjectmanifest_append_only BEFORE UPDATE OR DELETE "
        "ON logboek_subjectmanifest FOR EACH ROW EXECUTE FUNCTION register_refuse_change()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS logboek_subjectmanifest_append_only ON logboek_subjectmanifest"
    )


class Migration(migrations.Migration):
    dependencies = [("logboek", "0005_subject_manifest")]
    operations = [migrations.RunPython(forwards, backwards)]
