"""Markers by kind of test, from where a test lives, so that every test carries them:
`-m "not browser"` or `-m "not integration and not slow"` select a quick run."""

from pathlib import Path

import pytest

from tests.support.mail_server import MailServer

TESTS = Path(__file__).parent
# Directories whose tests start real processes (gunicorn, the poll server, the relay,
# redis-server), a browser, or clean virtual environments (packaging).
INTEGRATION = {"integration", "pollserver", "browser", "firefox", "packaging"}
BROWSER = {"browser", "firefox"}


def pytest_collection_modifyitems(items):
    for item in items:
        directory = Path(item.fspath).relative_to(TESTS).parts[0]
        if directory in INTEGRATION:
            item.add_marker(pytest.mark.integration)
        if directory in BROWSER:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory):
    """A real SMTP server for one test module (password reset by mail)."""
    server = MailServer(tmp_path_factory.mktemp("smtp")).start()
    yield server
    server.stop()
