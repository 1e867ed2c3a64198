"""Settings for benchmark servers: the project's own, plus a bare view to measure against."""

from policyhub.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
