"""A comparison keeps the residents missing from its file apart; their list is an export."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0011_path_single_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='exportrequest',
            name='import_job',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='exports', to='registry.importjob', verbose_name='比对任务'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='missing_file',
            field=models.FileField(blank=True, upload_to='imports/%Y/%m/', verbose_name='系统有、文件无'),
        ),
    ]
