"""The pre-commit hook (`.pre-commit-hooks.yaml`, id yusuan-check), run by pre-commit itself in a scratch git
repository: only the specs a commit changes are checked, yusuan-codes.yaml and other YAML are skipped, a spec
with errors stops the commit with its line."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import ROOT, XUELIN

PRE_COMMIT = shutil.which("pre-commit") or (
    str(ROOT / ".venv" / "bin" / "pre-commit") if (ROOT / ".venv" / "bin" / "pre-commit").exists() else None)
pytestmark = pytest.mark.skipif(PRE_COMMIT is None or shutil.which("git") is None, reason="pre-commit or git missing")


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)


def hook(repo, env, *files):
    """`pre-commit try-repo` with our repository (uncommitted changes included) on the staged files, or on `files`."""
    args = [PRE_COMMIT, "try-repo", str(ROOT), "yusuan-check", "--verbose"]
    args += ["--files", *files] if files else []
    return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    repo = tmp_path_factory.mktemp("unit-repo")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    git(repo, "init", "-q")
    (repo / "specs").mkdir()
    shutil.copy(XUELIN, repo / "specs" / "学林.yaml")
    (repo / "yusuan-codes.yaml").write_text("这不是规格: [\n", encoding="utf-8")  # broken, and never checked
    (repo / "ci.yml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    text = XUELIN.read_text(encoding="utf-8").replace("  一般公共预算拨款: 930.09", "  一般公共预算拨款: 930.O9")
    (repo / "specs" / "坏.yaml").write_text(text, encoding="utf-8")
    return repo, env


def test_the_hook_checks_changed_specs_and_skips_the_rest(scratch):
    repo, env = scratch
    git(repo, "add", "specs/学林.yaml", "yusuan-codes.yaml", "ci.yml")  # the broken spec is not part of this commit
    result = hook(repo, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "学林.yaml" in result.stdout and "坏.yaml" not in result.stdout
    assert "yusuan-codes.yaml" not in result.stdout and "ci.yml" not in result.stdout


def test_a_spec_with_errors_stops_the_commit_at_its_line(scratch):
    repo, env = scratch
    line = next(n for n, text in enumerate((repo / "specs" / "坏.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if "930.O9" in text)
    result = hook(repo, env, "specs/坏.yaml", "yusuan-codes.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "E-AMOUNT-FORMAT" in result.stdout and f"{line}:" in result.stdout
