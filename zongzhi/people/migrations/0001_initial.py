"""The people's models, taken over from the registry app with their tables (still named registry_*):
the tables exist already (made by the registry's migrations), so only Django's record of the models
is created here."""

import django.db.models.deletion
import django.utils.timezone
import zongzhi.core.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registry', '0013_import_wizard'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='Resident',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', zongzhi.core.fields.PathField(max_length=15, verbose_name='所属辖区路径')),
                ('kind', models.CharField(choices=[('registered', '户籍人口'), ('floating', '流动人口'), ('overseas', '境外人员')], max_length=12, verbose_name='人口类别')),
                ('id_type_code', models.CharField(default='111', max_length=3, verbose_name='证件类型')),
                ('id_number_sealed', models.BinaryField(verbose_name='证件号码（密文）')),
                ('id_number_index', models.BinaryField(max_length=32, verbose_name='证件号码（检索摘要）')),
                ('id_number_mask', models.CharField(max_length=40, verbose_name='证件号码')),
                ('name', models.CharField(max_length=50, verbose_name='姓名')),
                ('former_name', models.CharField(blank=True, max_length=50, verbose_name='曾用名')),
                ('sex_code', models.CharField(max_length=1, verbose_name='性别')),
                ('birth_date', models.DateField(blank=True, null=True, verbose_name='出生日期')),
                ('ethnicity_code', models.CharField(blank=True, max_length=2, verbose_name='民族')),
                ('native_place', models.CharField(blank=True, max_length=100, verbose_name='籍贯')),
                ('marital_code', models.CharField(blank=True, max_length=2, verbose_name='婚姻状况')),
                ('political_code', models.CharField(blank=True, max_length=2, verbose_name='政治面貌')),
                ('education_code', models.CharField(blank=True, max_length=2, verbose_name='学历')),
                ('religion_code', models.CharField(blank=True, max_length=2, verbose_name='宗教信仰')),
                ('occupation', models.CharField(blank=True, max_length=60, verbose_name='职业')),
                ('household_address', models.CharField(blank=True, max_length=200, verbose_name='户籍地址')),
                ('current_address', models.CharField(blank=True, max_length=200, verbose_name='现住地址')),
                ('household_number', models.CharField(blank=True, max_length=30, verbose_name='户号')),
                ('relation_code', models.CharField(blank=True, max_length=2, verbose_name='与户主关系')),
                ('phone_sealed', models.BinaryField(blank=True, null=True, verbose_name='联系电话（密文）')),
                ('phone_index', models.BinaryField(blank=True, max_length=32, null=True, verbose_name='联系电话（检索摘要）')),
                ('phone_mask', models.CharField(blank=True, max_length=20, verbose_name='联系电话')),
                ('permit_type', models.CharField(blank=True, max_length=20, verbose_name='证件类型（居住证/暂住证）')),
                ('permit_number', models.CharField(blank=True, max_length=40, verbose_name='居住证号码')),
                ('permit_issued_on', models.DateField(blank=True, null=True, verbose_name='发证日期')),
                ('permit_expires_on', models.DateField(blank=True, null=True, verbose_name='有效期至')),
                ('residence_type', models.CharField(blank=True, max_length=20, verbose_name='住所类型')),
                ('reason_for_moving', models.CharField(blank=True, max_length=100, verbose_name='流入原因')),
                ('foreign_name', models.CharField(blank=True, max_length=100, verbose_name='外文姓名')),
                ('nationality_code', models.CharField(blank=True, max_length=3, verbose_name='国籍（地区）')),
                ('purpose', models.CharField(blank=True, max_length=100, verbose_name='来华目的')),
                ('arrived_on', models.DateField(blank=True, null=True, verbose_name='抵达日期')),
                ('leaves_on', models.DateField(blank=True, null=True, verbose_name='预计离开日期')),
                ('latitude', models.FloatField(blank=True, null=True, verbose_name='纬度')),
                ('longitude', models.FloatField(blank=True, null=True, verbose_name='经度')),
                ('is_retired', models.BooleanField(default=False, verbose_name='已注销')),
                ('retired_reason', models.CharField(blank=True, max_length=100, verbose_name='注销原因')),
                ('retired_at', models.DateTimeField(blank=True, null=True, verbose_name='注销时间')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='登记时间')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='更新时间')),
            ],
            options={
                'verbose_name': '实有人口',
                'verbose_name_plural': '实有人口',
                'db_table': 'registry_resident',
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['phone_index'], name='resident_phone_idx'), models.Index(fields=['path', 'kind', '-id'], name='resident_list_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('is_retired', False)), fields=('id_number_index',), name='resident_one_per_id_number')],
            },
        ),
        migrations.CreateModel(
            name='PersonCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', zongzhi.core.fields.PathField(db_index=True, max_length=15, verbose_name='所属辖区路径')),
                ('group', models.CharField(choices=[('key', '重点人员'), ('care', '关怀对象')], max_length=4, verbose_name='类别组')),
                ('category_code', models.CharField(max_length=4, verbose_name='类别')),
                ('risk_level', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='危险性等级')),
                ('details', models.JSONField(blank=True, default=dict, verbose_name='类别信息')),
                ('team', models.JSONField(blank=True, default=list, verbose_name='帮教（服务）小组')),
                ('listed_on', models.DateField(verbose_name='列管日期')),
                ('visit_every_days', models.PositiveSmallIntegerField(verbose_name='走访周期（天）')),
                ('next_visit_on', models.DateField(verbose_name='下次走访日期')),
                ('last_visit_on', models.DateField(blank=True, null=True, verbose_name='最近走访日期')),
                ('visit_count', models.PositiveIntegerField(default=0, verbose_name='走访次数')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='备注')),
                ('is_retired', models.BooleanField(default=False, verbose_name='已解除')),
                ('retired_reason', models.CharField(blank=True, max_length=100, verbose_name='解除原因')),
                ('retired_at', models.DateTimeField(blank=True, null=True, verbose_name='解除时间')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('resident', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='categories', to='people.resident')),
            ],
            options={
                'verbose_name': '重点人员与关怀对象',
                'verbose_name_plural': '重点人员与关怀对象',
                'db_table': 'registry_personcategory',
                'ordering': ['-id'],
            },
        ),
        migrations.CreateModel(
            name='NameToken',
            fields=[
                ('pk', models.CompositePrimaryKey('token', 'resident', 'path', blank=True, editable=False, primary_key=True, serialize=False)),
                ('token', models.BigIntegerField()),
                ('path', zongzhi.core.fields.PathField(max_length=15)),
                ('resident', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='name_tokens', to='people.resident')),
            ],
            options={
                'verbose_name': '姓名索引',
                'verbose_name_plural': '姓名索引',
                'db_table': 'registry_nametoken',
            },
        ),
        migrations.CreateModel(
            name='Visit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', zongzhi.core.fields.PathField(db_index=True, max_length=15, verbose_name='所属辖区路径')),
                ('visited_on', models.DateField(verbose_name='走访日期')),
                ('method', models.CharField(choices=[('home', '上门走访'), ('phone', '电话联系'), ('talk', '约谈'), ('service', '上门服务'), ('other', '其他')], max_length=10, verbose_name='方式')),
                ('content', models.CharField(max_length=2000, verbose_name='内容')),
                ('next_visit_on', models.DateField(verbose_name='下次走访日期')),
                ('visitor_name', models.CharField(max_length=60, verbose_name='走访人姓名')),
                ('companions', models.CharField(blank=True, max_length=200, verbose_name='同行人员')),
                ('latitude', models.FloatField(blank=True, null=True)),
                ('longitude', models.FloatField(blank=True, null=True)),
                ('client_id', models.UUIDField(blank=True, null=True, unique=True, verbose_name='客户端编号')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='visits', to='people.personcategory')),
                ('visitor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='走访人')),
            ],
            options={
                'verbose_name': '走访服务记录',
                'verbose_name_plural': '走访服务记录',
                'db_table': 'registry_visit',
                'ordering': ['-visited_on', '-id'],
            },
        ),
        migrations.AddIndex(
            model_name='personcategory',
            index=models.Index(fields=['group', 'path', '-id'], name='category_list_idx'),
        ),
        migrations.AddIndex(
            model_name='personcategory',
            index=models.Index(fields=['group', 'next_visit_on', 'path'], name='category_due_idx'),
        ),
        migrations.AddConstraint(
            model_name='personcategory',
            constraint=models.UniqueConstraint(condition=models.Q(('is_retired', False)), fields=('resident', 'group', 'category_code'), name='category_once_per_resident'),
        ),
        migrations.AddIndex(
            model_name='visit',
            index=models.Index(fields=['category', '-visited_on'], name='visit_category_idx'),
        ),
            ],
        ),
    ]
