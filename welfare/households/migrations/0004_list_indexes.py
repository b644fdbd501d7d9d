"""The household list's order as an index (issue 9, bench/pages_bench.py).

The list is ordered by commune code, village and household code: with this index PostgreSQL
reads a province's first page of 50 in order and stops, instead of sorting its 190,000
households. Plain AddIndex: built once, at deployment, in a few seconds at province scale.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0003_trigram_name_search"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="household",
            index=models.Index(
                fields=["commune", "village", "code"], name="households_list_order"
            ),
        ),
    ]
