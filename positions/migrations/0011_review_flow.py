# Review before publish: who submitted a stance and who reviewed it (never the same editor), and the
# "in review" status. Adds nullable columns, a comment empty by default (in the database too: COPY leaves it out),
# and two CHECKs every existing row passes (none is in review, none was reviewed).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('positions', '0010_per_owner_list_indexes'),
        ('sources', '0004_source_newest_first_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalstance',
            name='review_comment',
            field=models.TextField(blank=True, db_default='', editable=False, help_text='Why the reviewer sent it back: what to change before submitting again. Never published.'),
        ),
        migrations.AddField(
            model_name='historicalstance',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When it was last reviewed.', null=True),
        ),
        migrations.AddField(
            model_name='historicalstance',
            name='submitted_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When it was last submitted for review.', null=True),
        ),
        migrations.AddField(
            model_name='stance',
            name='review_comment',
            field=models.TextField(blank=True, db_default='', editable=False, help_text='Why the reviewer sent it back: what to change before submitting again. Never published.'),
        ),
        migrations.AddField(
            model_name='stance',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When it was last reviewed.', null=True),
        ),
        migrations.AddField(
            model_name='stance',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, editable=False, help_text='The second editor who last approved it or sent it back.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='stance',
            name='submitted_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When it was last submitted for review.', null=True),
        ),
        migrations.AddField(
            model_name='stance',
            name='submitted_by',
            field=models.ForeignKey(blank=True, editable=False, help_text='Who last submitted it for review.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='historicalstance',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('published', 'Published'), ('retracted', 'Retracted')], default='draft', help_text='Only published stances are shown to the public. A draft is submitted for review and published when a second editor approves it (the actions above). A published stance is never deleted: retract it with a public reason, and it is listed among the corrections.', max_length=10),
        ),
        migrations.AlterField(
            model_name='stance',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('published', 'Published'), ('retracted', 'Retracted')], default='draft', help_text='Only published stances are shown to the public. A draft is submitted for review and published when a second editor approves it (the actions above). A published stance is never deleted: retract it with a public reason, and it is listed among the corrections.', max_length=10),
        ),
        migrations.AddConstraint(
            model_name='stance',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'in_review'), _negated=True), ('submitted_at__isnull', False), _connector='OR'), name='stance_in_review_was_submitted', violation_error_message='A stance in review needs the time it was submitted.'),
        ),
        migrations.AddConstraint(
            model_name='stance',
            constraint=models.CheckConstraint(condition=models.Q(('reviewed_by', models.F('submitted_by')), _negated=True), name='stance_reviewer_is_not_submitter', violation_error_message='An editor cannot review their own submission.'),
        ),
    ]
