"""What 0006 changed may linger outside the live rows: PostgreSQL keeps the old row versions and
the dropped column's values in the table's files until they are rewritten, SQLite the old pages
in its write-ahead log until it is checkpointed. VACUUM FULL rewrites the (small) user table;
a TRUNCATE checkpoint writes the log into the file (whose freed pages secure_delete zeroed) and
empties it. Neither can run in a transaction, hence a migration of its own."""

from django.db import migrations


def rewrite(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("VACUUM FULL units_user")
    elif vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("units", "0006_user_phone_sealed")]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop, atomic=False)]
