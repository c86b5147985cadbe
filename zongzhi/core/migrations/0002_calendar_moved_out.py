"""The calendar's models now belong to the calendar app (its 0001): Django's record of them is
removed here; the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('calendar', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.DeleteModel(
            name='CalendarDay',
        ),
        migrations.DeleteModel(
            name='CalendarYear',
        ),
            ],
        ),
    ]
