"""No function in src/web is longer than 80 lines: the JavaScript measured by the
TypeScript parser (tests/web/support/function-lengths.mjs), the Python by `ast`. A
function's lines run from its first line (after its decorators or JSDoc) to its last,
nested functions included. Third-party code under a `vendor` folder is not ours to split."""

import ast
import json
import subprocess
from pathlib import Path

from tests.web.test_javascript import ROOT, TSC, _node

LONGEST = 80
WEB = ROOT / "src" / "web"
MEASURE = ROOT / "tests" / "web" / "support" / "function-lengths.mjs"


def _ours(paths):
    return sorted(path for path in paths if "vendor" not in path.relative_to(WEB).parts)


def _javascript_functions() -> list[dict]:
    node = _node()
    assert TSC.exists(), "TypeScript is missing: run `npm ci` in the repository root (.ci/run does)"
    files = _ours((WEB / "static").rglob("*.js"))
    result = subprocess.run(
        [node, str(MEASURE), *(str(path.relative_to(ROOT)) for path in files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout)


def _python_functions() -> list[dict]:
    found = []
    for path in _ours(WEB.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append(
                    {
                        "file": str(path.relative_to(ROOT)),
                        "name": node.name,
                        "line": node.lineno,
                        "lines": node.end_lineno - node.lineno + 1,
                    }
                )
    return found


def _too_long(functions: list[dict]) -> list[str]:
    return [
        f"{f['file']}:{f['line']} {f['name']} ({f['lines']} lines)"
        for f in sorted(functions, key=lambda f: -f["lines"])
        if f["lines"] > LONGEST
    ]


def test_the_measure_sees_the_javascript_functions():
    # A parser that found nothing would let any length through.
    functions = _javascript_functions()
    names = {(Path(f["file"]).name, f["name"]) for f in functions}
    assert ("apply-event.js", "applyEvent") in names
    assert ("client.js", "RealtimeClient.connect") in names


def test_no_javascript_function_is_longer_than_80_lines():
    too_long = _too_long(_javascript_functions())
    assert not too_long, "split these functions:\n" + "\n".join(too_long)


def test_no_python_function_is_longer_than_80_lines():
    too_long = _too_long(_python_functions())
    assert not too_long, "split these functions:\n" + "\n".join(too_long)
