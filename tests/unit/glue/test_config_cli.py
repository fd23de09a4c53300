"""The configuration table, the CLI's error path and the child-process helper."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hotline.config import Settings, markdown_table

ROOT = Path(__file__).resolve().parents[3]


def test_readme_lists_every_setting_as_the_code_defines_it() -> None:
    readme = (ROOT / "README.md").read_text()
    for line in markdown_table().splitlines()[2:]:
        assert line in readme, f"README's configuration table is stale; regenerate with `hotline config --markdown`: {line}"
    assert len(markdown_table().splitlines()) - 2 == len(Settings.model_fields)


@pytest.mark.parametrize(("name", "value"), [("HOTLINE_CLICKHOUSE_PORT", "abc"), ("HOTLINE_MODE", "prod")])
def test_a_bad_environment_value_is_one_clear_line(name: str, value: str) -> None:
    env = {"PATH": "/usr/bin:/bin", name: value}
    out = subprocess.run([sys.executable, "-m", "hotline", "config"], env=env, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1
    assert out.stderr.startswith("hotline: error: bad configuration:")
    assert name in out.stderr and "Traceback" not in out.stderr


def test_help_lists_every_stage_command() -> None:
    out = subprocess.run([sys.executable, "-m", "hotline", "--help"], capture_output=True, text=True, cwd=ROOT)
    for command in ("infra", "simulate", "produce", "ingest", "classify", "worker", "migrate", "sink", "report", "staffing", "demo"):
        assert f"    {command}" in out.stdout, command


def test_component_stop_and_kill(tmp_path: Path) -> None:
    from hotline.processes import Component

    c = Component("config", ["config"], tmp_path / "c.log").start()
    assert c.proc is not None
    c.proc.wait(30)
    assert c.stop() == 0
    assert "HOTLINE_STATE_DIR=" in (tmp_path / "c.log").read_text()
