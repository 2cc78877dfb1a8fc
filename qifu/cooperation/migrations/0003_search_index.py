"""Search by relevance through a full-text index: token columns (CJK characters and bigrams, ASCII words) read
by FTS5 on SQLite and by a generated tsvector column with a GIN index on PostgreSQL (see cooperation/search.py)."""

from django.db import migrations, models


def fill_tokens(apps, schema_editor):
    from qifu.cooperation.search import document

    listing_model = apps.get_model("cooperation", "Listing")
    batch = []
    for x in listing_model.objects.only("id", "title", "spec", "description", "category").iterator(chunk_size=2000):
        x.search_title = document(x.title, x.spec)
        x.search_body = document(x.description, x.category)
        batch.append(x)
        if len(batch) >= 2000:
            listing_model.objects.bulk_update(batch, ["search_title", "search_body"])
            batch = []
    if batch:
        listing_model.objects.bulk_update(batch, ["search_title", "search_body"])


def install(apps, schema_editor):
    from qifu.cooperation.search import install as create

    create(schema_editor.connection)


def uninstall(apps, schema_editor):
    from qifu.cooperation.search import uninstall as drop

    drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("cooperation", "0002_photo_thumbnails"),
    ]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="search_title",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="listing",
            name="search_body",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RemoveField(
            model_name="listing",
            name="search_text",
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.RunPython(install, uninstall),
    ]
