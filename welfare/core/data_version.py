"""A counter of case-data changes, so that figures computed from many records can be kept in
the cache until the records change (issue 9: the household list's counts, the dashboard's
"changed since approval").

Every save or delete of a model of the case apps bumps the counter (a signal on all models,
filtered by app), and so does every import (its run is saved when it ends: bulk writes send no
signal of their own). A cached figure is keyed by the counter it was computed at: a change
makes the next read compute it again, and the old entries expire by themselves.

The counter lives in the default cache (Redis in production, shared by every process). If the
cache forgets it, the next read starts from a new random value, so a stale entry is never
mistaken for a fresh one.
"""

import hashlib
import json
import logging
import secrets

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

KEY = "welfare:case-data-version"
# The apps whose records the cached figures are computed from (and the import runs).
CASE_APPS = frozenset(
    {"households", "beneficiaries", "relief", "employment", "imports", "reports", "areas"}
)


def case_data_version() -> int:
    """The current version; with the cache unreachable, a random one (nothing cached is used)."""
    try:
        version = cache.get(KEY)
        if version is None:
            version = secrets.randbits(40)
            if not cache.add(KEY, version, timeout=None):
                version = cache.get(KEY, version)
        return version
    except Exception:  # Redis down: compute the figures, never fail the page
        logger.warning("cache unreachable: figures computed without it", exc_info=True)
        return secrets.randbits(40)


def case_data_changed() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # not there (expired, evicted, a new cache): start a new series
        try:
            cache.set(KEY, secrets.randbits(40), timeout=None)
        except Exception:
            logger.warning("cache unreachable: data version not bumped", exc_info=True)
    except Exception:  # Redis down must not fail a save; its entries cannot be read either
        logger.warning("cache unreachable: data version not bumped", exc_info=True)


def _on_change(sender, using=None, **kwargs) -> None:
    if sender._meta.app_label not in CASE_APPS:
        return
    case_data_changed()
    # Also once the transaction commits: a read in another request between the bump and the
    # commit would otherwise cache the figures of before the change under the new version.
    # Registered once per transaction, however many records it saves.
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and not any(
        entry[1] is case_data_changed for entry in connection.run_on_commit
    ):
        transaction.on_commit(case_data_changed, using=using)


def cache_key(prefix: str, *parts) -> str:
    """A cache key for figures of these parts (the user's areas, the filters) at the current
    version of the case data."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"welfare:{prefix}:{case_data_version()}:{digest[:32]}"


def connect() -> None:
    post_save.connect(_on_change, dispatch_uid="welfare_case_data_saved")
    post_delete.connect(_on_change, dispatch_uid="welfare_case_data_deleted")


def cached(prefix: str, parts, compute, timeout: int = 600):
    """`compute()`, kept in the cache under (prefix, parts, the data version) for `timeout`
    seconds at most; computed directly when the cache is unreachable."""
    key = cache_key(prefix, *parts)
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("cache unreachable: %s computed without it", prefix, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=timeout)
        except Exception:
            logger.warning("cache unreachable: %s not kept", prefix, exc_info=True)
    return value
