"""`parse-clone serve` and cloud code: the default folder, --no-cloud, refusing to start on a broken file."""

from __future__ import annotations

import subprocess
import sys

from parse_clone.cli import cloud_path


def test_the_cloud_folder_is_the_default_when_it_exists(tmp_path):
    assert cloud_path(None, False, str(tmp_path)) is None
    (tmp_path / "cloud").mkdir()
    assert cloud_path(None, False, str(tmp_path)) == str(tmp_path / "cloud")


def test_an_explicit_option_wins_and_no_cloud_disables(tmp_path):
    (tmp_path / "cloud").mkdir()
    assert cloud_path("elsewhere", False, str(tmp_path)) == "elsewhere"
    assert cloud_path("elsewhere", True, str(tmp_path)) is None
    assert cloud_path(None, True, str(tmp_path)) is None


def test_serve_refuses_to_start_on_a_broken_hook_file(tmp_path):
    cloud = tmp_path / "cloud"
    cloud.mkdir()
    (cloud / "hooks.py").write_text("def register(cloud):\n    cloud.before_save('Job' lambda r: None)\n")
    result = subprocess.run(
        [sys.executable, "-m", "parse_clone", "serve", "--cloud", str(cloud), "--port", "0",
         "--databaseURI", f"sqlite:///{tmp_path / 'db.sqlite3'}"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"cloud code failed to load: {cloud / 'hooks.py'}, line 2: SyntaxError" in result.stderr
