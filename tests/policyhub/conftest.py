import pytest

from tests.policyhub.servers import collectstatic, production_env


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """collectstatic with production settings (hashed, compressed), once per test process."""
    root = tmp_path_factory.mktemp("production-static") / "static"
    collectstatic(root, production_env())
    return root
