"""The household list's search in one column under one trigram index (bench/README.md, "Pages
under load").

The list searched the code, the head's folded name or ANY member's folded name (an EXISTS over
the members): for a common name PostgreSQL hashed thousands of matching members before reading
the list's index, and a rare name read the whole index. `Household.search_folded` holds the
lower-cased code, the head's folded name and every member's folded name (members ever, as the
EXISTS), one per line; `LIKE '%…%'` on it is served by `households_household_search_trgm`.

The database keeps it, so nothing that writes the rows can leave it stale (forms, admin, the
imports' COPY, undo, merges, deletes, a stale instance saved again):

- `households_household_search` (BEFORE INSERT OR UPDATE, per row) recomputes it from the new
  row and its members' people, whatever value the statement sent;
- `households_member_search_{insert,update,delete}` and `households_person_search_update`
  (AFTER, per statement, with transition tables) touch the households whose members or whose
  members' names changed, once per statement: an import's COPY of 2,000 members is one UPDATE.
  (Transition tables allow one event per trigger, hence three on the members.)

PostgreSQL only; other databases keep the column empty and the EXISTS query (SQLite in
development). The separator is a newline, which a folded query never holds (`fold` collapses
whitespace), so a search cannot match across two names.
"""

from django.db import migrations, models

# Every function reads by key (a household's members, a chunk's households and people) and
# must do so whatever the planner's statistics say: during an import they describe the tables
# as they were before it (empty, for a first import; autovacuum may be off or late), and a plan
# for empty tables scanned every member for each household written, which made a 40,000-row
# import ten times slower. Hence `enable_seqscan = off` while they run.
RECOMPUTE = r"""
CREATE OR REPLACE FUNCTION households_household_search() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
    NEW.search_folded := concat_ws(
        E'\n', lower(NEW.code), NULLIF(NEW.head_name_folded, ''),
        (SELECT string_agg(DISTINCT p.name_folded, E'\n')
           FROM households_member m JOIN households_person p ON p.id = m.person_id
          WHERE m.household_id = NEW.id)
    );
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION households_member_search() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- Only the households that do not hold the new member's name yet: an import's head
        -- members arrive after their households, whose rows already hold the head's name, and
        -- writing each household a second time would cost an import about half again.
        UPDATE households_household h SET search_folded = ''
          FROM new_rows n JOIN households_person p ON p.id = n.person_id
         WHERE h.id = n.household_id
           AND position(E'\n' || p.name_folded || E'\n' IN E'\n' || h.search_folded || E'\n') = 0;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE households_household SET search_folded = ''
         WHERE id IN (SELECT household_id FROM old_rows);
    ELSE
        UPDATE households_household SET search_folded = ''
         WHERE id IN (
            SELECT x.household_id
              FROM new_rows n JOIN old_rows o ON o.id = n.id,
                   LATERAL (VALUES (n.household_id), (o.household_id)) AS x (household_id)
             WHERE n.household_id <> o.household_id OR n.person_id <> o.person_id
         );
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION households_person_search() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
    UPDATE households_household SET search_folded = ''
     WHERE id IN (
        SELECT m.household_id
          FROM new_rows n JOIN old_rows o ON o.id = n.id
          JOIN households_member m ON m.person_id = n.id
         WHERE n.name_folded IS DISTINCT FROM o.name_folded
     );
    RETURN NULL;
END
$$;
"""

# The households as they are, in one statement, before the triggers exist (one aggregate over
# the members instead of a subquery per household).
BACKFILL = r"""
UPDATE households_household h
   SET search_folded = concat_ws(E'\n', lower(h.code), NULLIF(h.head_name_folded, ''), agg.names)
  FROM (
        SELECT h2.id, string_agg(DISTINCT p.name_folded, E'\n') AS names
          FROM households_household h2
          LEFT JOIN households_member m ON m.household_id = h2.id
          LEFT JOIN households_person p ON p.id = m.person_id
         GROUP BY h2.id
  ) agg
 WHERE agg.id = h.id
"""

TRIGGERS = """
CREATE TRIGGER households_household_search
    BEFORE INSERT OR UPDATE ON households_household
    FOR EACH ROW EXECUTE FUNCTION households_household_search();
CREATE TRIGGER households_member_search_insert
    AFTER INSERT ON households_member REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION households_member_search();
CREATE TRIGGER households_member_search_update
    AFTER UPDATE ON households_member REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION households_member_search();
CREATE TRIGGER households_member_search_delete
    AFTER DELETE ON households_member REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION households_member_search();
CREATE TRIGGER households_person_search_update
    AFTER UPDATE ON households_person REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION households_person_search();
"""

INDEX = """
CREATE INDEX households_household_search_trgm
    ON households_household USING gin (search_folded gin_trgm_ops)
"""

DROP = """
DROP TRIGGER IF EXISTS households_person_search_update ON households_person;
DROP TRIGGER IF EXISTS households_member_search_delete ON households_member;
DROP TRIGGER IF EXISTS households_member_search_update ON households_member;
DROP TRIGGER IF EXISTS households_member_search_insert ON households_member;
DROP TRIGGER IF EXISTS households_household_search ON households_household;
DROP FUNCTION IF EXISTS households_person_search();
DROP FUNCTION IF EXISTS households_member_search();
DROP FUNCTION IF EXISTS households_household_search();
DROP INDEX IF EXISTS households_household_search_trgm;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # No write may fall between the backfill and the triggers (the migration's transaction
    # holds these locks to its end).
    schema_editor.execute(
        "LOCK TABLE households_household, households_member, households_person"
        " IN SHARE ROW EXCLUSIVE MODE"
    )
    schema_editor.execute(RECOMPUTE)
    schema_editor.execute(BACKFILL)
    schema_editor.execute(TRIGGERS)
    schema_editor.execute(INDEX)
    # The planner's statistics of the new column (how common a name is decides between the
    # trigram index and reading the list's index in order); autovacuum may be off or late.
    schema_editor.execute("ANALYZE households_household")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("households", "0004_list_indexes")]

    operations = [
        migrations.AddField(
            model_name="household",
            name="search_folded",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(create, drop),
    ]
