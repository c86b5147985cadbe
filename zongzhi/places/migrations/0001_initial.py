"""The places' models, taken over from the registry app with their tables (still named registry_*):
only Django's record of the models is created here; the tables exist already."""

import django.db.models.deletion
import django.utils.timezone
import zongzhi.core.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('people', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='Compound',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', zongzhi.core.fields.PathField(db_index=True, max_length=15, verbose_name='所属辖区路径')),
                ('name', models.CharField(max_length=100, verbose_name='名称')),
                ('address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                ('latitude', models.FloatField(blank=True, null=True, verbose_name='纬度')),
                ('longitude', models.FloatField(blank=True, null=True, verbose_name='经度')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='备注')),
                ('is_retired', models.BooleanField(default=False, verbose_name='已注销')),
                ('retired_reason', models.CharField(blank=True, max_length=100, verbose_name='注销原因')),
                ('retired_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('property_company', models.CharField(blank=True, max_length=100, verbose_name='物业公司')),
                ('households', models.PositiveIntegerField(blank=True, null=True, verbose_name='户数')),
            ],
            options={
                'verbose_name': '小区',
                'verbose_name_plural': '小区',
                'db_table': 'registry_compound',
                'ordering': ['-id'],
            },
        ),
        migrations.CreateModel(
            name='Facility',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', zongzhi.core.fields.PathField(db_index=True, max_length=15, verbose_name='所属辖区路径')),
                ('name', models.CharField(max_length=100, verbose_name='名称')),
                ('address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                ('latitude', models.FloatField(blank=True, null=True, verbose_name='纬度')),
                ('longitude', models.FloatField(blank=True, null=True, verbose_name='经度')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='备注')),
                ('is_retired', models.BooleanField(default=False, verbose_name='已注销')),
                ('retired_reason', models.CharField(blank=True, max_length=100, verbose_name='注销原因')),
                ('retired_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('kind_code', models.CharField(max_length=4, verbose_name='设施类别')),
                ('serial_number', models.CharField(blank=True, max_length=40, verbose_name='编号')),
                ('managed_by', models.CharField(blank=True, max_length=100, verbose_name='管理单位')),
                ('installed_on', models.DateField(blank=True, null=True, verbose_name='安装日期')),
                ('last_inspected_on', models.DateField(blank=True, null=True, verbose_name='最近巡检日期')),
                ('last_result', models.CharField(blank=True, max_length=10, verbose_name='最近巡检结果')),
            ],
            options={
                'verbose_name': '治安设施',
                'verbose_name_plural': '治安设施',
                'db_table': 'registry_facility',
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['path', 'kind_code', '-id'], name='facility_list_idx')],
            },
        ),
        migrations.CreateModel(
            name='House',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', zongzhi.core.fields.PathField(db_index=True, max_length=15, verbose_name='所属辖区路径')),
                ('name', models.CharField(max_length=100, verbose_name='名称')),
                ('address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                ('latitude', models.FloatField(blank=True, null=True, verbose_name='纬度')),
                ('longitude', models.FloatField(blank=True, null=True, verbose_name='经度')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='备注')),
                ('is_retired', models.BooleanField(default=False, verbose_name='已注销')),
                ('retired_reason', models.CharField(blank=True, max_length=100, verbose_name='注销原因')),
                ('retired_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('use', models.CharField(choices=[('self', '自住'), ('rental', '出租'), ('vacant', '空置'), ('business', '经营'), ('other', '其他')], default='self', max_length=10, verbose_name='用途')),
                ('area', models.FloatField(blank=True, null=True, verbose_name='面积（平方米）')),
                ('owner_name', models.CharField(blank=True, max_length=50, verbose_name='房主姓名（非本辖区人员）')),
                ('rental_registered_on', models.DateField(blank=True, null=True, verbose_name='出租登记日期')),
                ('compound', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='houses', to='places.compound')),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='owned_houses', to='people.resident', verbose_name='房主')),
            ],
            options={
                'verbose_name': '实有房屋',
                'verbose_name_plural': '实有房屋',
                'db_table': 'registry_house',
                'ordering': ['-id'],
            },
        ),
        migrations.CreateModel(
            name='HouseOccupant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('relation', models.CharField(choices=[('owner', '房主'), ('family', '家庭成员'), ('tenant', '租户'), ('other', '其他')], max_length=10, verbose_name='居住关系')),
                ('since', models.DateField(blank=True, null=True, verbose_name='入住日期')),
                ('until', models.DateField(blank=True, null=True, verbose_name='迁出日期')),
                ('house', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='occupants', to='places.house')),
                ('resident', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='occupancies', to='people.resident')),
            ],
            options={
                'verbose_name': '房屋居住人员',
                'verbose_name_plural': '房屋居住人员',
                'db_table': 'registry_houseoccupant',
            },
        ),
        migrations.CreateModel(
            name='Inspection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('inspected_on', models.DateField(verbose_name='巡检日期')),
                ('result', models.CharField(choices=[('normal', '正常'), ('fault', '故障'), ('repaired', '已修复')], max_length=10, verbose_name='结果')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='情况')),
                ('inspector_name', models.CharField(max_length=60)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='places.facility')),
                ('inspector', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '设施巡检',
                'verbose_name_plural': '设施巡检',
                'db_table': 'registry_inspection',
                'ordering': ['-inspected_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='KeyPlace',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', zongzhi.core.fields.PathField(db_index=True, max_length=15, verbose_name='所属辖区路径')),
                ('name', models.CharField(max_length=100, verbose_name='名称')),
                ('address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                ('latitude', models.FloatField(blank=True, null=True, verbose_name='纬度')),
                ('longitude', models.FloatField(blank=True, null=True, verbose_name='经度')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='备注')),
                ('is_retired', models.BooleanField(default=False, verbose_name='已注销')),
                ('retired_reason', models.CharField(blank=True, max_length=100, verbose_name='注销原因')),
                ('retired_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('kind_code', models.CharField(max_length=4, verbose_name='场所类别')),
                ('legal_person', models.CharField(blank=True, max_length=50, verbose_name='法定代表人')),
                ('security_contact', models.CharField(blank=True, max_length=50, verbose_name='治安负责人')),
                ('contact_phone_sealed', models.BinaryField(blank=True, null=True)),
                ('contact_phone_mask', models.CharField(blank=True, max_length=20, verbose_name='负责人电话')),
                ('employees', models.PositiveIntegerField(blank=True, null=True, verbose_name='从业人数')),
                ('credit_code', models.CharField(blank=True, max_length=18, verbose_name='统一社会信用代码')),
            ],
            options={
                'verbose_name': '重点场所',
                'verbose_name_plural': '重点场所',
                'db_table': 'registry_keyplace',
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['path', 'kind_code', '-id'], name='keyplace_list_idx')],
            },
        ),
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', zongzhi.core.fields.PathField(db_index=True, max_length=15, verbose_name='所属辖区路径')),
                ('name', models.CharField(max_length=100, verbose_name='名称')),
                ('address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                ('latitude', models.FloatField(blank=True, null=True, verbose_name='纬度')),
                ('longitude', models.FloatField(blank=True, null=True, verbose_name='经度')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='备注')),
                ('is_retired', models.BooleanField(default=False, verbose_name='已注销')),
                ('retired_reason', models.CharField(blank=True, max_length=100, verbose_name='注销原因')),
                ('retired_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('kind_code', models.CharField(max_length=4, verbose_name='组织类别')),
                ('credit_code', models.CharField(blank=True, max_length=18, verbose_name='统一社会信用代码')),
                ('legal_person', models.CharField(blank=True, max_length=50, verbose_name='负责人（法定代表人）')),
                ('contact_phone_sealed', models.BinaryField(blank=True, null=True)),
                ('contact_phone_mask', models.CharField(blank=True, max_length=20, verbose_name='联系电话')),
                ('employees', models.PositiveIntegerField(blank=True, null=True, verbose_name='人数')),
            ],
            options={
                'verbose_name': '组织',
                'verbose_name_plural': '组织',
                'db_table': 'registry_organisation',
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['path', 'kind_code', '-id'], name='org_list_idx')],
            },
        ),
        migrations.CreateModel(
            name='OrgMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=50, verbose_name='姓名')),
                ('role', models.CharField(blank=True, max_length=30, verbose_name='职务')),
                ('since', models.DateField(blank=True, null=True)),
                ('until', models.DateField(blank=True, null=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='members', to='places.organisation')),
                ('resident', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='people.resident')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '组织成员',
                'verbose_name_plural': '组织成员',
                'db_table': 'registry_orgmember',
            },
        ),
        migrations.AddIndex(
            model_name='house',
            index=models.Index(fields=['path', 'use', '-id'], name='house_list_idx'),
        ),
        migrations.AddConstraint(
            model_name='houseoccupant',
            constraint=models.UniqueConstraint(condition=models.Q(('until__isnull', True)), fields=('house', 'resident'), name='occupant_once_per_house'),
        ),
            ],
        ),
    ]
