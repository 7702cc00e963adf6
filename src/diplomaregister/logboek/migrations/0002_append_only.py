"""On PostgreSQL the disclosure log refuses UPDATE and DELETE (the chain head row is updated by
design and is not covered). Uses the function of register migration 0002."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE TRIGGER logboek_logentry_append_only BEFORE UPDATE OR DELETE ON logboek_logentry "
        "FOR EACH ROW EXECUTE FUNCTION register_refuse_change()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS logboek_logentry_append_only ON logboek_logentry")


class Migration(migrations.Migration):
    dependencies = [("logboek", "0001_initial"), ("register", "0002_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
