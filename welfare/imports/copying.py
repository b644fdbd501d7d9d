"""New records and their history rows written with PostgreSQL's COPY (issue 9).

`bulk_create_with_history` builds one INSERT ... SELECT UNNEST per batch through Django's SQL
compiler (every value prepared by its field, every row then dumped as an array) and one more
for the history rows, after building a historical model instance per record: at province scale
that is four fifths of an import's time (cProfile of 20,000 households: 22 of 27 s). COPY takes
the same values as one stream, with no statement to compile.

The records and history rows are exactly those of the ORM path (tests/imports/test_copy_path.py
compares them field by field): the primary keys come from the table's own sequence (one
`nextval` query per chunk) and are set on the objects, the fields' `pre_save` runs as in
`bulk_create` (`auto_now`, `auto_now_add`), related objects saved meanwhile give their keys as
`bulk_create` would take them, and each history row carries the same user, change reason,
date and type "+". Any model this module does not know how to write exactly (a field type
whose database value differs from the Python one, a history model with extra fields, a key
already set) returns None and the caller takes the ORM path; so does every database other than
PostgreSQL.
"""

import datetime as dt
from functools import cache

from django.conf import settings
from django.db import connections, models, router
from django.db.models.fields import Field
from django.utils import timezone

# Field types whose Python value, as the engine sets it, is what `get_db_prep_save` would give
# psycopg anyway (text, whole numbers, dates, booleans, keys): written as they are. Any other
# type goes through its field's `get_db_prep_save`, as the ORM does.
_AS_IS = {
    "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "BooleanField", "CharField",
    "DateField", "EmailField", "ForeignKey", "IntegerField", "OneToOneField",
    "PositiveBigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField",
    "SmallIntegerField", "TextField",
}
_HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}


def _converter(field: Field, connection):
    """How a field's value becomes what COPY writes: None (as it is) or a function."""
    internal = field.get_internal_type()
    if internal in _AS_IS:
        return None
    if internal == "DateTimeField":
        def aware(value, field=field):
            # An aware datetime (timezone.now()) is written as it is; a naive one is made aware
            # by the field, as the ORM does.
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                return value
            return field.get_db_prep_save(value, connection)
        return aware
    return lambda value, field=field: field.get_db_prep_save(value, connection)


def _overrides_pre_save(field: Field) -> bool:
    """Whether the field's pre_save may give another value than the attribute's: a date with
    auto_now or auto_now_add, or a field type with its own pre_save (a file field...)."""
    if isinstance(field, models.DateField):
        return field.auto_now or field.auto_now_add
    return type(field).pre_save is not Field.pre_save


@cache
def _plan(model: type[models.Model], alias: str):
    """What to write for a model: (table, columns, fields with their converters, the fields whose
    pre_save runs, history (table, columns, tracked attnames and converters)), or None."""
    from simple_history.utils import get_history_manager_for_model

    connection = connections[alias]
    opts = model._meta
    if opts.parents or any(f.generated for f in opts.concrete_fields):
        return None
    fields = [f for f in opts.concrete_fields]
    if any(f.has_db_default() for f in fields):
        return None
    try:
        history_model = get_history_manager_for_model(model).model
    except Exception:  # not a model with history: the ORM path
        return None
    hopts = history_model._meta
    tracked = [f.attname for f in history_model.tracked_fields]
    h_fields = {f.attname: f for f in hopts.concrete_fields}
    extra = {f.name for f in hopts.concrete_fields if f.attname not in tracked} - _HISTORY_FIELDS
    if extra or hasattr(history_model, "history_relation"):
        return None
    if not isinstance(hopts.pk, models.AutoField) or hopts.pk.name != "history_id":
        return None
    quote = connection.ops.quote_name
    main = (
        quote(opts.db_table),
        [quote(f.column) for f in fields],
        [(f.attname, _converter(f, connection)) for f in fields],
    )
    pre_save = [f for f in fields if _overrides_pre_save(f)]
    h_columns = [h_fields[name] for name in tracked] + [
        h_fields["history_date"], h_fields["history_change_reason"], h_fields["history_type"],
        h_fields["history_user_id"],
    ]
    history = (
        quote(hopts.db_table),
        [quote(f.column) for f in h_columns],
        [(name, _converter(h_fields[name], connection)) for name in tracked],
        history_model,
    )
    return main, pre_save, history


def copy_create_with_history(objs: list, model: type[models.Model], *, default_user=None,
                             default_change_reason: str = "", default_date=None) -> list | None:
    """Insert `objs` and one history row each ("+") with COPY; None when the ORM path must."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql" or not objs:
        return None
    plan = _plan(model, alias)
    if plan is None or any(obj._is_pk_set() for obj in objs):
        return None
    (table, columns, values), pre_save, (h_table, h_columns, h_values, history_model) = plan
    opts = model._meta
    connection.ensure_connection()
    # The keys from the table's own sequence, found and advanced in one query (no per-process
    # cache, so an import's queries are the same whether it is the process's first or not).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(seq.name) FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass AS name) seq,"
            " generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if ids[0] is None:  # a key without a sequence: nothing written yet, the ORM path takes it
        return None
    for obj in objs:  # as bulk_create: the keys of related objects saved since
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    pk_attname = opts.pk.attname
    for obj, pk in zip(objs, ids, strict=True):
        setattr(obj, pk_attname, pk)
        for field in pre_save:
            setattr(obj, field.attname, field.pre_save(obj, add=True))
    raw = connection.connection  # the psycopg connection, inside Django's transaction
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            write = copy.write_row
            for obj in objs:
                write([getattr(obj, name) if convert is None else convert(getattr(obj, name))
                       for name, convert in values])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return objs
    from simple_history.utils import get_change_reason_from_object

    # As simple_history's bulk_history_create: an object's own user, reason and date win over
    # the defaults; without a default user, the one simple_history finds (the request's), which
    # does not depend on the object, is looked up once.
    user_default = default_user or history_model.get_default_history_user(objs[0])
    date = default_date
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {h_table} ({', '.join(h_columns)}) FROM STDIN") as copy:
            write = copy.write_row
            for obj in objs:
                user = getattr(obj, "_history_user", user_default)
                reason = get_change_reason_from_object(obj) or default_change_reason
                when = getattr(obj, "_history_date", date)
                if when is None:
                    when = timezone.now()
                row = [getattr(obj, name) if convert is None else convert(getattr(obj, name))
                       for name, convert in h_values]
                row += [when, reason, "+", user.pk if user is not None else None]
                write(row)
    return objs
