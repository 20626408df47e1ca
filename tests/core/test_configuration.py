"""Every environment variable a process reads is read in a known place and documented.

Configuration is read at start, in a few modules, and passed down. Those modules
are listed here; a read anywhere else fails the first test, and a variable they
read that README.md's configuration table does not list fails the second.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"

# The modules that read the environment, and why each one does.
READERS = {
    "marginalia/settings.py": "the API's and the relay's settings",
    "realtime_core/config.py": "realtime settings shared by the API and the poll server",
    "pollserver/config.py": "the poll server's own settings",
    "realtime_core/secret_keys.py": "the secrets, checked at start by every process",
    "realtime_core/tokens.py": "token lifetimes, read where tokens are issued",
    "accounts/sessions.py": "the refresh reuse grace, which tests change per test",
    "richtext/config.py": "the renderer's settings, framework-free like the renderer",
}
# Entry points that only set DJANGO_SETTINGS_MODULE for Django, and read nothing.
SETS_DJANGO_SETTINGS = {"manage.py", "marginalia/wsgi.py"}
ENVIRONMENT_READ = re.compile(r"\bos\.environ\b|\bgetenv\(|\benviron\b")
VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def python_sources():
    return (path for path in SRC.rglob("*.py") if "static" not in path.parts)


def variables_read() -> dict[str, set[str]]:
    """Variable name -> the reader modules naming it (every such string constant in them)."""
    found: dict[str, set[str]] = {}
    for module in READERS:
        tree = ast.parse((SRC / module).read_text())
        # Keys of dict displays name settings (Django's "APP_DIRS"), never variables.
        keys = {
            id(key) for node in ast.walk(tree) if isinstance(node, ast.Dict) for key in node.keys
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and VARIABLE_NAME.fullmatch(node.value)
                and id(node) not in keys
            ):
                found.setdefault(node.value, set()).add(module)
    return found


def documented_variables() -> set[str]:
    """Names in the first column of README.md's "## Configuration" table."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("|"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_only_the_configuration_modules_read_the_environment():
    readers = {
        str(path.relative_to(SRC))
        for path in python_sources()
        if ENVIRONMENT_READ.search(path.read_text())
    }
    assert readers - SETS_DJANGO_SETTINGS <= set(READERS), (
        "read configuration in one of READERS and pass it down"
    )
    for module in SETS_DJANGO_SETTINGS:
        reads = ENVIRONMENT_READ.findall((SRC / module).read_text())
        assert reads == ["os.environ"], f"{module} should only set DJANGO_SETTINGS_MODULE"


def test_every_variable_read_is_in_the_readme_table_and_every_row_is_read():
    read, documented = variables_read(), documented_variables()
    assert "REALTIME_REDIS_URL" in read and "RATE_LIMIT_WRITES_PER_USER" in read  # the scan works
    missing = {name: sorted(modules) for name, modules in read.items() if name not in documented}
    assert not missing, f"variables read but not in README.md's configuration table: {missing}"
    assert documented <= set(read), f"documented but read nowhere: {documented - set(read)}"
