"""The disclosure log partitioned by month on PostgreSQL (logboek/partitions.py). The table is
rebuilt as ``PARTITION BY RANGE (occurred_at)``: primary key (id, occurred_at), unique
(chain, seq, occurred_at) (PostgreSQL requires the partition key in both; a chain's sequence
numbers are assigned under its head's lock and ``verify_log`` checks them), a partition per month
of the rows already there plus this month and the next two, a default partition, the append-only
trigger. References to log rows (subject manifest, notices) carry no database constraint."""

import datetime as dt

from django.db import migrations

OLD = "logboek_logentry_unpartitioned"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from diplomaregister.logboek import partitions

    ex = schema_editor.execute
    ex(f"ALTER TABLE logboek_logentry RENAME TO {OLD}")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s", [OLD]
        )
        for (name,) in cursor.fetchall():
            ex(f'ALTER INDEX "{name}" RENAME TO "{name[:50]}_unpart"')
        ex(f"CREATE TABLE logboek_logentry (LIKE {OLD} INCLUDING DEFAULTS) PARTITION BY RANGE (occurred_at)")
        ex("CREATE SEQUENCE logboek_logentry_id_partitioned_seq OWNED BY logboek_logentry.id")
        ex("ALTER TABLE logboek_logentry ALTER COLUMN id SET DEFAULT nextval('logboek_logentry_id_partitioned_seq')")
        ex("ALTER TABLE logboek_logentry ADD CONSTRAINT logboek_logentry_pkey PRIMARY KEY (id, occurred_at)")
        ex("ALTER TABLE logboek_logentry ADD CONSTRAINT log_chain_seq UNIQUE (chain, seq, occurred_at)")
        ex('CREATE INDEX "logboek_log_subject_a21a8f_idx" ON logboek_logentry (subject_ref, occurred_at DESC)')
        ex("CREATE TABLE logboek_logentry_default PARTITION OF logboek_logentry DEFAULT")
        cursor.execute(f"SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date FROM {OLD}")
        months = {row[0] for row in cursor.fetchall()}
        today = dt.datetime.now(dt.UTC).date().replace(day=1)
        months |= set(partitions._months(today, partitions.AHEAD + 1))
        for month in sorted(months):
            partitions.create_month(cursor, month)
        ex(f"INSERT INTO logboek_logentry SELECT * FROM {OLD}")
        ex(
            "SELECT setval('logboek_logentry_id_partitioned_seq', "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {OLD}), false)"
        )
        ex(f"DROP TABLE {OLD}")
        ex(
            "CREATE TRIGGER logboek_logentry_append_only BEFORE UPDATE OR DELETE ON logboek_logentry "
            "FOR EACH ROW EXECUTE FUNCTION register_refuse_change()"
        )


class Migration(migrations.Migration):
    atomic = True
    dependencies = [
        ("logboek", "0009_log_entry_reference_without_constraint"),
        ("notices", "0002_log_entry_reference_without_constraint"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
