"""Reads from the read replica, writes to the primary (``default``).

Active only when ``DATABASE_REPLICA_URL`` is set (settings.py). A read inside a
transaction on the primary stays on the primary: it must see the transaction's
own writes and the rows it locks (the admin's change form and every service
run in ``transaction.atomic``). Elsewhere a read may lag the primary by the
replication delay, which public pages tolerate.
https://docs.djangoproject.com/en/5.2/topics/db/multi-db/#an-example
"""

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema; never migrate it directly.
        return db == DEFAULT_DB_ALIAS
