import pytest

from tests.support.api import Api
from tests.support.stack import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    stack = Stack(
        tmp_path_factory.mktemp("realtime"),
        "realtime",
        redis_db=10,
        env={"REALTIME_POLL_TIMEOUT": "5"},
    ).start()
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def api(stack):
    return Api(stack.api_url)


@pytest.fixture
def lab(api):
    return api.lab()
