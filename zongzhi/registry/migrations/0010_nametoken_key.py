"""The name index keyed by (token, resident, path), its only index: no id column, no sequence,
and one index to maintain instead of two. Rebuilt from the residents' names."""

import django.db.models.deletion
from django.db import migrations, models

import zongzhi.core.fields


def rebuild(apps, schema_editor):
    from zongzhi.people.names import name_tokens

    Resident = apps.get_model("registry", "Resident")
    NameToken = apps.get_model("registry", "NameToken")
    batch = []
    rows = Resident.objects.order_by("id").values_list("id", "path", "name", "former_name")
    for rid, path, name, former in rows.iterator(chunk_size=5000):
        batch.extend(NameToken(token=t, resident_id=rid, path=path) for t in sorted(name_tokens(name, former)))
        if len(batch) >= 20_000:
            NameToken.objects.bulk_create(batch)
            batch = []
    NameToken.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_import_heartbeat"),
    ]

    operations = [
        migrations.DeleteModel(name="NameToken"),
        migrations.CreateModel(
            name="NameToken",
            fields=[
                ("pk", models.CompositePrimaryKey("token", "resident", "path", blank=True, editable=False, primary_key=True, serialize=False)),
                ("token", models.BigIntegerField()),
                ("path", zongzhi.core.fields.PathField(max_length=15)),
                (
                    "resident",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="name_tokens",
                        to="registry.resident",
                    ),
                ),
            ],
            options={"verbose_name": "姓名索引", "verbose_name_plural": "姓名索引"},
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
