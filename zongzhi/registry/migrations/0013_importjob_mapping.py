from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_comparison_missing_list")]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="mapping",
            field=models.JSONField(blank=True, default=dict, verbose_name="列的对应"),
        ),
    ]
