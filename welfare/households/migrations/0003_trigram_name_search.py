"""Trigram indexes on the folded names, so "contains" searches stay fast on PostgreSQL
(conventions.md, "Data"). Other databases keep the plain b-tree indexes."""

from django.db import migrations

INDEXES = [
    ("households_person_name_trgm", "households_person", "name_folded"),
    ("households_household_head_trgm", "households_household", "head_name_folded"),
    ("households_card_holder_trgm", "households_insurancecard", "holder_name_folded"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("households", "0002_load_poverty_standards")]
    operations = [migrations.RunPython(create, drop)]
