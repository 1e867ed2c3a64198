import fcntl
import os

import pytest

from tests.policyhub.servers import collectstatic, production_env


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """collectstatic with production settings (hashed, compressed), once per test run.

    It costs a minute of CPU (Brotli), so the xdist workers share one copy, made by whichever
    asks first under a lock in the run's common temporary folder; the servers only read it.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by every worker of this run
    folder = base / "production-static"
    root, done = folder / "static", folder / "complete"
    folder.mkdir(exist_ok=True)
    with open(base / "production-static.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            collectstatic(root, production_env())
            done.touch()
    return root
