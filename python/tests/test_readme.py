"""The README's ten-line Python example, copied into a file and run as written."""

import os
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "**Ten lines: Twilio answers 429 on the third search**"


def readme_block() -> str:
    text = README.read_text()
    after = text[text.index(MARKER):]
    start = after.index("```python\n") + len("```python\n")
    return after[start:after.index("```", start)]


def test_readme_example_runs_as_written(tmp_path):
    test = tmp_path / "test_rate_limit.py"
    test.write_text(readme_block())
    r = subprocess.run([sys.executable, "-m", "pytest", "-p", "fakes_testing.pytest_plugin",
                        "-p", "no:cacheprovider", "-q", f"--basetemp={tmp_path / 'bt'}",
                        str(test)], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 passed" in r.stdout
