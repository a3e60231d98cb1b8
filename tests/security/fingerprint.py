"""Did a request change the database? Cheap on PostgreSQL (the transaction's own write counters), exact
everywhere (a snapshot of every row, diffed), and able to say which rows were touched."""
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection

# Written on every request by design: the session (saved on each request) and the login-throttling log.
IGNORED_TABLES = frozenset({"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog",
                            "axes_accessattemptexpiration"})


def _models():
    seen = set()
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.managed is False or model._meta.proxy or table in IGNORED_TABLES or table in seen:
            continue
        seen.add(table)
        yield model


def write_counters() -> dict:
    """Rows inserted/updated/deleted so far, per table on PostgreSQL (this transaction's statistics); on SQLite
    the connection's total, as table "*". Both keep counting through rolled-back savepoints, so a before/after
    difference is any write attempt. (The session table is written on every request unless
    SESSION_SAVE_EVERY_REQUEST is off: the matrix turns it off, so that SQLite's total means something.)"""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return {"*": connection.connection.total_changes}
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
                       "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0")
        return {table: n for table, n in cursor.fetchall() if table not in IGNORED_TABLES}


def written_tables(before: dict | None, after: dict | None) -> set[str]:
    return {table for table, n in (after or {}).items() if (before or {}).get(table, 0) != n}


def snapshot() -> dict[str, dict]:
    """Every row of every table as text, by table and primary key."""
    rows: dict[str, dict] = {}
    models = list(_models())
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        parts = [f"SELECT '{m._meta.db_table}', t.{quote(m._meta.pk.column)}::text, t::text "
                 f"FROM {quote(m._meta.db_table)} t" for m in models]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts))
            for table, pk, text in cursor.fetchall():
                rows.setdefault(table, {})[pk] = text
        return rows
    for model in models:
        table = rows.setdefault(model._meta.db_table, {})
        for values in model._base_manager.order_by().values_list():
            table[str(values[[f.attname for f in model._meta.concrete_fields].index(model._meta.pk.attname)])] = \
                repr(values)
    return rows


@dataclass
class Changes:
    changed: list = field(default_factory=list)   # (table, pk) of rows that existed and were changed or deleted
    created: list = field(default_factory=list)   # (table, pk) of new rows

    def __bool__(self):
        return bool(self.changed or self.created)

    def describe(self) -> str:
        return f"changed/deleted {self.changed[:5]} created {self.created[:5]}"


def diff(before: dict, after: dict) -> Changes:
    changes = Changes()
    for table in set(before) | set(after):
        old, new = before.get(table, {}), after.get(table, {})
        changes.changed += [(table, pk) for pk, text in old.items() if new.get(pk) != text]
        changes.created += [(table, pk) for pk in new if pk not in old]
    return changes


def references(created: list, victim_ids: dict) -> list[str]:
    """New rows that point at one of the victim's objects (victim_ids: model → set of primary keys)."""
    by_table = {m._meta.db_table: m for m in _models()}
    found = []
    for table, pk in created:
        model = by_table.get(table)
        if model is None:
            continue
        row = model._base_manager.filter(pk=pk).first()
        for f in model._meta.concrete_fields:
            if f.is_relation and getattr(row, f.attname, None) in victim_ids.get(f.related_model, ()):
                found.append(f"{table}#{pk}.{f.name}")
    return found


def owned_by(rows: list, user_id) -> list:
    """The rows (table, pk) that belong to the user — their model's `user` foreign key points at it — such as the
    notifications a user marks as read: changing one's own rows is no leak."""
    by_table = {m._meta.db_table: m for m in _models()}
    own = []
    for table, pk in rows:
        model = by_table.get(table)
        if model is not None and any(f.name == "user" and f.is_relation for f in model._meta.concrete_fields) \
                and model._base_manager.filter(pk=pk, user_id=user_id).exists():
            own.append((table, pk))
    return own
