"""Test settings: the project's settings plus a model that exists only in tests (scoping)."""

from welfare.settings import *  # noqa: F403
from welfare.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.scoped"]
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ROOT_URLCONF = "tests.urls"
