"""Path columns keep one index: the `varchar_pattern_ops` copy goes (see core.fields.PathField)."""

from django.db import migrations

from zongzhi.core.migration_ops import drop_path_like_indexes


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0004_user_grants_stamp'),
    ]

    operations = [
        drop_path_like_indexes("units"),
    ]
