"""Workforce rosters and lodging rules hang on the key project (projects.KeyProject) instead of a project model of
their own. Existing workforce projects are mapped to the key project with the same name, or else to the one key
project owned by one of their enterprises; their enterprises become members, their rule a LodgingRule and their
shuttles move along. A workforce project that maps to no key project (or to several) stops the migration with its
name, so nothing is lost silently: create the key project (or rename one) and migrate again."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def to_key_projects(apps, schema_editor):  # type: ignore[no-untyped-def]
    Project = apps.get_model("workforce", "Project")
    KeyProject = apps.get_model("projects", "KeyProject")
    ProjectMember = apps.get_model("workforce", "ProjectMember")
    LodgingRule = apps.get_model("workforce", "LodgingRule")
    Shuttle = apps.get_model("workforce", "Shuttle")
    for project in Project.objects.all():
        # through the link table: the old M2M's reverse name is the new ProjectMember's, so the manager would
        # look in the wrong place while both exist in this migration's state
        enterprise_ids = list(Project.enterprises.through.objects.filter(project_id=project.pk)
                              .values_list("enterprise_id", flat=True))
        matches = list(KeyProject.objects.filter(name=project.name))
        if len(matches) != 1:
            matches = list(KeyProject.objects.filter(owner_id__in=enterprise_ids))
        if len(matches) != 1:
            raise RuntimeError(
                f"Workforce project {project.name!r} (id {project.pk}) matches {len(matches)} key projects by name "
                "or owner; create or rename its key project so that exactly one matches, then migrate again.")
        key = matches[0]
        for enterprise_id in enterprise_ids:
            ProjectMember.objects.get_or_create(project=key, enterprise_id=enterprise_id)
        if project.lodging_rule:
            LodgingRule.objects.update_or_create(project=key, defaults={
                "rule": project.lodging_rule, "agreed_at": project.rule_agreed_at or key.created_at})
        Shuttle.objects.filter(project=project).update(key_project=key)


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0012_problem_open_flag"),
        ("projects", "0001_initial"),
        ("enterprises", "0002_initial"),
        ("workforce", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProjectMember",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("enterprise", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                 related_name="workforce_projects", to="enterprises.enterprise")),
                ("project", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="workforce_members", to="projects.keyproject")),
            ],
            options={"ordering": ["project_id", "enterprise_id"]},
        ),
        migrations.AddConstraint(
            model_name="projectmember",
            constraint=models.UniqueConstraint(fields=("project", "enterprise"), name="project_member_unique"),
        ),
        migrations.CreateModel(
            name="LodgingRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rule", models.TextField(verbose_name="agreed lodging rule")),
                ("agreed_at", models.DateTimeField(verbose_name="agreed at")),
                ("agreed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                related_name="+", to=settings.AUTH_USER_MODEL)),
                ("problem", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                              related_name="+", to="ledger.problem", verbose_name="ledger problem")),
                ("project", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                                 related_name="lodging_rule", to="projects.keyproject")),
            ],
        ),
        migrations.AddField(
            model_name="shuttle",
            name="key_project",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="projects.keyproject"),
        ),
        migrations.RunPython(to_key_projects, migrations.RunPython.noop),
        migrations.RemoveField(model_name="shuttle", name="project"),
        migrations.RenameField(model_name="shuttle", old_name="key_project", new_name="project"),
        migrations.AlterField(
            model_name="shuttle",
            name="project",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="shuttles",
                                    to="projects.keyproject"),
        ),
        migrations.DeleteModel(name="Project"),
    ]
