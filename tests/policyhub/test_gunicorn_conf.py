"""gunicorn.conf.py: what every gunicorn started from the project directory runs."""

import gc
import runpy

import pytest

from tests.policyhub.servers import PROJECT_ROOT


@pytest.fixture
def config():
    yield runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    gc.unfreeze()


def test_a_started_worker_keeps_what_it_loaded_out_of_garbage_collection(config):
    gc.unfreeze()
    assert gc.get_freeze_count() == 0

    config["post_worker_init"](worker=None)

    assert gc.get_freeze_count() > 1000
    assert len(gc.get_objects()) < gc.get_freeze_count()
