"""The list index holds is_retired too: on SQLite a small scope's page of the resident list is
found in the index alone (people.queries._sqlite_list_page)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='resident',
            name='resident_list_idx',
        ),
        migrations.AddIndex(
            model_name='resident',
            index=models.Index(fields=['path', 'kind', 'is_retired', '-id'], name='resident_list_idx'),
        ),
    ]
