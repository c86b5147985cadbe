"""The registry's models now belong to people, places and transfers (their 0001 migrations): Django's
record of them is removed here; the tables stay, owned by those apps."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_resident_moved_to_people'),
        ('people', '0001_initial'),
        ('places', '0001_initial'),
        ('transfers', '0001_initial'),
        ('registry', '0013_import_wizard'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.RemoveField(
            model_name='house',
            name='compound',
        ),
        migrations.RemoveField(
            model_name='exportrequest',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='exportrequest',
            name='import_job',
        ),
        migrations.RemoveField(
            model_name='exportrequest',
            name='requested_by',
        ),
        migrations.RemoveField(
            model_name='inspection',
            name='facility',
        ),
        migrations.RemoveField(
            model_name='house',
            name='owner',
        ),
        migrations.RemoveField(
            model_name='houseoccupant',
            name='house',
        ),
        migrations.RemoveField(
            model_name='houseoccupant',
            name='resident',
        ),
        migrations.RemoveField(
            model_name='importjob',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='importjob',
            name='default_unit',
        ),
        migrations.RemoveField(
            model_name='importmapping',
            name='updated_by',
        ),
        migrations.RemoveField(
            model_name='inspection',
            name='inspector',
        ),
        migrations.DeleteModel(
            name='KeyPlace',
        ),
        migrations.RemoveField(
            model_name='nametoken',
            name='resident',
        ),
        migrations.RemoveField(
            model_name='orgmember',
            name='organisation',
        ),
        migrations.RemoveField(
            model_name='orgmember',
            name='resident',
        ),
        migrations.RemoveField(
            model_name='orgmember',
            name='user',
        ),
        migrations.RemoveField(
            model_name='personcategory',
            name='resident',
        ),
        migrations.RemoveField(
            model_name='visit',
            name='category',
        ),
        migrations.RemoveField(
            model_name='visit',
            name='visitor',
        ),
        migrations.DeleteModel(
            name='Compound',
        ),
        migrations.DeleteModel(
            name='ExportRequest',
        ),
        migrations.DeleteModel(
            name='Facility',
        ),
        migrations.DeleteModel(
            name='House',
        ),
        migrations.DeleteModel(
            name='HouseOccupant',
        ),
        migrations.DeleteModel(
            name='ImportJob',
        ),
        migrations.DeleteModel(
            name='ImportMapping',
        ),
        migrations.DeleteModel(
            name='Inspection',
        ),
        migrations.DeleteModel(
            name='NameToken',
        ),
        migrations.DeleteModel(
            name='Organisation',
        ),
        migrations.DeleteModel(
            name='OrgMember',
        ),
        migrations.DeleteModel(
            name='Resident',
        ),
        migrations.DeleteModel(
            name='PersonCategory',
        ),
        migrations.DeleteModel(
            name='Visit',
        ),
            ],
        ),
    ]
