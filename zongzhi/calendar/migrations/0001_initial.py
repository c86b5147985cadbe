"""The calendar's models, taken over from core with their tables (still named core_*): the tables
exist already (core's 0001), so only Django's record of the models is created here."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='CalendarDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(unique=True, verbose_name='日期')),
                ('is_workday', models.BooleanField(verbose_name='工作日')),
                ('name', models.CharField(blank=True, max_length=40, verbose_name='名称')),
                ('source', models.CharField(choices=[('package', '内置节假日数据'), ('admin', '管理员录入')], max_length=8, verbose_name='来源')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
            ],
            options={
                'verbose_name': '工作日历例外日',
                'verbose_name_plural': '工作日历例外日',
                'db_table': 'core_calendarday',
                'ordering': ['date'],
            },
        ),
        migrations.CreateModel(
            name='CalendarYear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='年份')),
                ('source', models.CharField(choices=[('package', '内置节假日数据'), ('admin', '管理员录入')], max_length=8, verbose_name='来源')),
                ('loaded_at', models.DateTimeField(auto_now_add=True, verbose_name='录入时间')),
            ],
            options={
                'verbose_name': '已录入节假日的年份',
                'verbose_name_plural': '已录入节假日的年份',
                'db_table': 'core_calendaryear',
                'ordering': ['year'],
            },
        ),
            ],
        ),
    ]
