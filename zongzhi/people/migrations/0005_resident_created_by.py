import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from zongzhi.core.migration_ops import creators_from_audit


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_rubric_indexes"),
        ("audit", "0004_chain_seals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="resident",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="登记人",
            ),
        ),
        creators_from_audit([("people", "Resident")]),
    ]
