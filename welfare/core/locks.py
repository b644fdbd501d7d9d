"""One run at a time of a named piece of work, across processes and machines.

With Redis configured (`REDIS_URL`, as every deployment with a Celery broker has), a Redis lock
that expires after `timeout` seconds should its holder die; without it (the embedded default),
a row of `NamedLock` locked in the database for the duration of the block. A run that cannot get
the lock within `wait` seconds raises `Busy`.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import transaction

from .models import NamedLock


class Busy(Exception):
    """Another run holds the lock."""


@contextmanager
def exclusive(name: str, *, timeout: int = 900, wait: float = 900):
    url = getattr(settings, "REDIS_URL", "")
    if url:
        import redis

        lock = redis.Redis.from_url(url).lock(f"welfare:lock:{name}", timeout=timeout, blocking_timeout=wait)
        if not lock.acquire():
            raise Busy(name)
        try:
            yield
        finally:
            try:
                lock.release()
            except redis.exceptions.LockError:
                pass  # it expired meanwhile: nothing left to release
    else:
        with transaction.atomic():
            NamedLock.objects.get_or_create(name=name)
            NamedLock.objects.select_for_update().get(name=name)
            yield
