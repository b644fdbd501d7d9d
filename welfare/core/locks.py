"""One run at a time of a named piece of work, across processes and machines.

With Redis configured (`REDIS_URL`, as every deployment with a Celery broker has), a Redis lock
held as a lease: it expires `LOCK_LEASE_SECONDS` after it was last renewed, and a thread of the
holder renews it while the block runs, so a long build keeps it and a killed worker's lock
frees itself within the lease (tests/core/test_job_faults.py). Without Redis (the embedded
default), a row of `NamedLock` locked in the database for the duration of the block: the
database releases it when the holder's connection closes, killed process included. A run that
cannot get the lock within `wait` seconds raises `Busy`.
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction

from .models import NamedLock


class Busy(Exception):
    """Another run holds the lock."""


@contextmanager
def exclusive(name: str, *, lease: int | None = None, wait: float = 900):
    url = getattr(settings, "REDIS_URL", "")
    if url:
        import redis

        lease = lease or settings.LOCK_LEASE_SECONDS
        # Not thread-local: the renewing thread must see the holder's token.
        lock = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10).lock(
            f"welfare:lock:{name}", timeout=lease, blocking_timeout=wait, thread_local=False
        )
        if not lock.acquire():
            raise Busy(name)
        done = threading.Event()
        renewer = threading.Thread(target=_renew, args=(lock, lease, done), daemon=True, name=f"lock {name}")
        renewer.start()
        try:
            yield
        finally:
            done.set()
            renewer.join()
            try:
                lock.release()
            except redis.exceptions.LockError:
                pass  # it expired meanwhile (Redis was away longer than the lease)
    else:
        with transaction.atomic():
            NamedLock.objects.get_or_create(name=name)
            NamedLock.objects.select_for_update().get(name=name)
            yield


def _renew(lock, lease: int, done: threading.Event) -> None:
    """Push the lease back to its full length every third of it, until the block ends."""
    import redis

    while not done.wait(lease / 3):
        try:
            lock.reacquire()
        except (redis.exceptions.LockError, redis.exceptions.RedisError):
            pass  # Redis away for a moment: the next turn tries again
