"""Bench-only URLconf (bench/pages_bench.py): the product's URLs plus a bare view.

The bare view is the floor the pages are compared with: a plain HttpResponse through the same
middleware, on the same server. It lives here, not in `welfare.urls`, so the product has no
extra URL (tests/test_every_url.py walks every product URL).
"""

from django.http import HttpResponse
from django.urls import include, path

from welfare.accounts.access import public


@public
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("welfare.urls")),
]
