"""Staff phones are sealed like residents': SM4-GCM in phone_sealed, the masked form in phone_mask.

The plaintext column is emptied row by row, then dropped. On SQLite, `secure_delete` (on by default
in Debian's build, not in every build) makes the
pages it frees zeroed instead of left in the file; on PostgreSQL 0007 rewrites the table.
"""

from django.db import migrations, models


def seal_phones(apps, schema_editor):
    from zongzhi.core.crypto import seal
    from zongzhi.core.masking import mask_value

    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("PRAGMA secure_delete = ON")
    User = apps.get_model("units", "User")
    for pk, phone in User.objects.exclude(phone="").values_list("pk", "phone"):
        User.objects.filter(pk=pk).update(phone_sealed=seal(phone), phone_mask=mask_value(phone), phone="")


def unseal_phones(apps, schema_editor):
    from zongzhi.core.crypto import unseal

    User = apps.get_model("units", "User")
    for pk, sealed in User.objects.exclude(phone_sealed=None).values_list("pk", "phone_sealed"):
        User.objects.filter(pk=pk).update(phone=unseal(sealed))


class Migration(migrations.Migration):
    dependencies = [("units", "0005_path_single_index")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="phone_sealed",
            field=models.BinaryField(blank=True, null=True, verbose_name="手机号（密文）"),
        ),
        migrations.AddField(
            model_name="user",
            name="phone_mask",
            field=models.CharField(blank=True, max_length=20, verbose_name="手机号"),
        ),
        migrations.RunPython(seal_phones, unseal_phones),
        migrations.RemoveField(model_name="user", name="phone"),
    ]
