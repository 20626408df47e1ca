"""Firefox tests: Debian's Firefox ESR driven over WebDriver BiDi by puppeteer-core (a Node
script per scenario) against the real stack, the same as the Chromium tests start."""

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.browser.conftest import api, lab  # noqa: F401  (fixtures, on this package's stack)
from tests.support.stack import ROOT, Stack

HERE = Path(__file__).parent
PUPPETEER = ROOT / "node_modules" / "puppeteer-core"


@pytest.fixture(scope="package")
def firefox() -> str:
    """Firefox ESR and what drives it; missing, every Firefox test fails saying so."""
    executable = shutil.which("firefox-esr")
    if executable is None:
        pytest.fail(
            "Debian's firefox-esr is not installed (apt-get install firefox-esr; "
            ".ci/run installs it)"
        )
    if shutil.which("node") is None or not PUPPETEER.exists():
        pytest.fail(
            "Node.js and puppeteer-core drive Firefox: `npm ci` in the repository root "
            "installs puppeteer-core from package.json (bin/test does)"
        )
    return executable


@pytest.fixture(scope="package")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("firefox"), "firefox", redis_db=15).start()
    yield stack
    stack.stop()


@pytest.fixture
def run_in_firefox(firefox, stack, lab, tmp_path):  # noqa: F811  (lab is imported above)
    """Runs tests/firefox/<script> on the lab's article page as its member, answering what
    it asks with `answers[name](details)`, and returns its result."""

    def run(script: str, answers: dict, timeout: float = 90.0) -> dict:
        scenario_input = {
            "firefox": firefox,
            "apiUrl": stack.api_url,
            "pollUrl": stack.poll_url,
            "path": lab["path"],
            "member": vars(lab["member"]),
        }
        stderr_path = tmp_path / f"{script}.stderr"
        with open(stderr_path, "w") as stderr:
            process = subprocess.Popen(
                ["node", str(HERE / script)],
                cwd=ROOT,
                text=True,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
        deadline = time.monotonic() + timeout
        try:
            process.stdin.write(json.dumps(scenario_input) + "\n")
            process.stdin.flush()
            for line in process.stdout:
                message = json.loads(line)
                if "result" in message:
                    process.stdin.close()  # no more answers: the script's input ends
                    assert process.wait(deadline - time.monotonic()) == 0, stderr_path.read_text()
                    return message["result"]
                answer = answers[message.pop("ask")](message)
                process.stdin.write(json.dumps(answer) + "\n")
                process.stdin.flush()
            process.wait(deadline - time.monotonic())
            raise AssertionError(
                f"{script} ended without a result (exit {process.returncode}):"
                f"\n{stderr_path.read_text()}"
            )
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

    return run
