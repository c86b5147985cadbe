"""The imports' and exports' models, taken over from the registry app with their tables (still named
registry_*): only Django's record of the models is created here; the tables exist already."""

import django.db.models.deletion
import django.utils.timezone
import zongzhi.core.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registry', '0013_import_wizard'),
        ('units', '0005_path_single_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='ImportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', zongzhi.core.fields.PathField(db_index=True, max_length=15, verbose_name='所属辖区路径')),
                ('kind', models.CharField(default='residents', max_length=20, verbose_name='数据类别')),
                ('mode', models.CharField(choices=[('import', '导入'), ('compare', '比对')], default='import', max_length=8, verbose_name='方式')),
                ('status', models.CharField(choices=[('queued', '排队中'), ('review', '待确认列'), ('running', '导入中'), ('done', '已完成'), ('failed', '失败'), ('cancelled', '已取消')], default='queued', max_length=10, verbose_name='状态')),
                ('file', models.FileField(upload_to='imports/%Y/%m/', verbose_name='文件')),
                ('filename', models.CharField(max_length=200, verbose_name='文件名')),
                ('file_sha256', models.CharField(max_length=64, verbose_name='文件摘要')),
                ('mapping', models.JSONField(blank=True, default=dict, verbose_name='列的对应')),
                ('needs_review', models.BooleanField(default=False, verbose_name='导入前确认列')),
                ('preview', models.JSONField(blank=True, default=dict, verbose_name='表头识别结果')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('cancel_requested', models.BooleanField(default=False)),
                ('total_rows', models.PositiveIntegerField(default=0, verbose_name='行数')),
                ('processed_rows', models.PositiveIntegerField(default=0, verbose_name='已处理')),
                ('imported', models.PositiveIntegerField(default=0, verbose_name='导入')),
                ('skipped', models.PositiveIntegerField(default=0, verbose_name='已存在')),
                ('rejected', models.PositiveIntegerField(default=0, verbose_name='有误')),
                ('rejects_file', models.FileField(blank=True, upload_to='imports/%Y/%m/', verbose_name='有误行')),
                ('report', models.JSONField(blank=True, default=dict, verbose_name='比对结果')),
                ('report_file', models.FileField(blank=True, upload_to='imports/%Y/%m/', verbose_name='比对报告')),
                ('missing_file', models.FileField(blank=True, upload_to='imports/%Y/%m/', verbose_name='系统有、文件无')),
                ('error', models.CharField(blank=True, max_length=300, verbose_name='失败原因')),
                ('heartbeat_at', models.DateTimeField(blank=True, null=True, verbose_name='最近进展')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('default_unit', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit')),
            ],
            options={
                'verbose_name': '导入任务',
                'verbose_name_plural': '导入任务',
                'db_table': 'registry_importjob',
                'ordering': ['-id'],
            },
        ),
        migrations.CreateModel(
            name='ExportRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', zongzhi.core.fields.PathField(db_index=True, max_length=15, verbose_name='所属辖区路径')),
                ('kind', models.CharField(default='residents', max_length=20, verbose_name='数据类别')),
                ('filters', models.JSONField(blank=True, default=dict, verbose_name='筛选条件')),
                ('full_id_numbers', models.BooleanField(default=False, verbose_name='含完整证件号码')),
                ('reason', models.CharField(max_length=200, verbose_name='用途')),
                ('status', models.CharField(choices=[('pending', '待审批'), ('refused', '已拒绝'), ('approved', '已批准，生成中'), ('ready', '可下载'), ('failed', '生成失败'), ('expired', '已过期'), ('withdrawn', '已撤回')], default='pending', max_length=10, verbose_name='状态')),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('approver_path', zongzhi.core.fields.PathField(max_length=15, verbose_name='审批单位路径')),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decision_note', models.CharField(blank=True, max_length=200)),
                ('file', models.FileField(blank=True, upload_to='exports/%Y/%m/')),
                ('rows', models.PositiveIntegerField(default=0)),
                ('expires_at', models.DateTimeField(blank=True, null=True)),
                ('downloads', models.PositiveIntegerField(default=0)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('import_job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='exports', to='transfers.importjob', verbose_name='比对任务')),
            ],
            options={
                'verbose_name': '导出申请',
                'verbose_name_plural': '导出申请',
                'db_table': 'registry_exportrequest',
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['approver_path', 'status'], name='export_approver_idx')],
            },
        ),
        migrations.CreateModel(
            name='ImportMapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', zongzhi.core.fields.PathField(db_index=True, max_length=15, verbose_name='所属辖区路径')),
                ('kind', models.CharField(default='residents', max_length=20, verbose_name='数据类别')),
                ('signature', models.CharField(max_length=64, verbose_name='表头摘要')),
                ('columns', models.JSONField(default=dict, verbose_name='列的对应')),
                ('fixed', models.JSONField(blank=True, default=dict, verbose_name='统一的值')),
                ('source', models.CharField(max_length=200, verbose_name='最近使用的文件')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '导入列对应',
                'verbose_name_plural': '导入列对应',
                'db_table': 'registry_importmapping',
                'constraints': [models.UniqueConstraint(fields=('path', 'kind', 'signature'), name='importmapping_unique_source')],
            },
        ),
            ],
        ),
    ]
