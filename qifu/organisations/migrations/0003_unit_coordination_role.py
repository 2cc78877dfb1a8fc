"""Units say which coordination role they play (the province's economic department, the cross-province
coordination office), so supply-chain routing names them instead of taking the first department at the
province's code; at most one active unit per region and role. Existing units start without a role."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0002_reference_data'),
    ]

    operations = [
        migrations.AddField(
            model_name='unit',
            name='coordination_role',
            field=models.CharField(blank=True, choices=[('economic_department', 'Provincial economic department (supply-chain coordination inside the province)'), ('cross_province_office', 'Cross-province coordination office')], default='', help_text='What this unit coordinates for its region; at most one active unit per region holds each role.', max_length=32, verbose_name='coordination role'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.UniqueConstraint(condition=models.Q(('is_active', True), models.Q(('coordination_role', ''), _negated=True)), fields=('region', 'coordination_role'), name='unit_unique_coordination_role', violation_error_message='Another active unit of this region already holds this coordination role.'),
        ),
    ]
