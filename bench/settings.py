"""Settings of the server bench/pages_bench.py starts: the product's, with the bench URLconf
(the product's URLs plus the bare view it is compared with)."""

from welfare.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
