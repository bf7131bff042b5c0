"""Loading a cloud folder: both registration styles, helpers, private files, and broken files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from parse_clone.cloud import Cloud, CloudLoadError, load_cloud_code


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code))
    return path


def test_a_module_level_cloud_is_collected(tmp_path):
    write(tmp_path, "jobs.py", """
        from parse_clone.cloud import Cloud
        cloud = Cloud()

        @cloud.define
        def hello(req):
            return "hi"
    """)
    cloud = Cloud()
    assert load_cloud_code(tmp_path, cloud) == [str(tmp_path / "jobs.py")]
    assert cloud.function("hello") is not None


def test_a_register_function_is_called_with_the_registry(tmp_path):
    write(tmp_path, "hooks.py", """
        def register(cloud):
            cloud.before_save("Job", lambda req: None)
    """)
    cloud = Cloud()
    load_cloud_code(tmp_path, cloud)
    assert cloud.has("before_save", "Job")


def test_files_share_helpers_through_relative_imports_and_private_files_are_not_loaded(tmp_path):
    write(tmp_path, "_util.py", """
        GREETING = "hello"
        from parse_clone.cloud import Cloud
        cloud = Cloud()
        cloud.define("private_only", lambda req: None)
    """)
    write(tmp_path, "main.py", """
        from parse_clone.cloud import Cloud
        from ._util import GREETING
        cloud = Cloud()
        cloud.define("greet", lambda req: GREETING)
    """)
    cloud = Cloud()
    assert load_cloud_code(tmp_path, cloud) == [str(tmp_path / "main.py")]
    assert cloud.function_names() == ["greet"]


def test_files_load_in_name_order_and_later_ones_win(tmp_path):
    write(tmp_path, "a.py", "def register(cloud):\n    cloud.define('f', lambda req: 'a')\n")
    write(tmp_path, "b.py", "def register(cloud):\n    cloud.define('f', lambda req: 'b')\n")
    cloud = Cloud()
    load_cloud_code(tmp_path, cloud)
    assert cloud.function("f").handler(None) == "b"


def test_a_single_file_may_be_given(tmp_path):
    path = write(tmp_path, "main.py", "def register(cloud):\n    cloud.job('nightly', lambda req: None)\n")
    cloud = Cloud()
    load_cloud_code(path, cloud)
    assert cloud.job_names() == ["nightly"]


def test_two_loads_of_one_folder_are_independent(tmp_path):
    write(tmp_path, "count.py", """
        from parse_clone.cloud import Cloud
        calls = []
        cloud = Cloud()
        cloud.define("f", lambda req: calls.append(1) or len(calls))
    """)
    first, second = Cloud(), Cloud()
    load_cloud_code(tmp_path, first)
    load_cloud_code(tmp_path, second)
    assert first.function("f").handler(None) == 1
    assert second.function("f").handler(None) == 1  # its own module, its own list


def test_a_syntax_error_names_file_and_line(tmp_path):
    write(tmp_path, "ok.py", "def register(cloud):\n    pass\n")
    bad = write(tmp_path, "broken.py", "def register(cloud):\n    x = (\n")
    with pytest.raises(CloudLoadError) as info:
        load_cloud_code(tmp_path, Cloud())
    assert info.value.path == str(bad)
    assert info.value.line == 2
    assert str(info.value).startswith(f"{bad}, line 2: SyntaxError:")


def test_an_exception_at_import_names_the_line_where_it_happened(tmp_path):
    bad = write(tmp_path, "hooks.py", "import os\n\nraise RuntimeError('no config')\n")
    with pytest.raises(CloudLoadError) as info:
        load_cloud_code(tmp_path, Cloud())
    assert (info.value.path, info.value.line) == (str(bad), 3)
    assert info.value.message == "RuntimeError: no config"


def test_an_import_of_a_missing_module_is_reported(tmp_path):
    write(tmp_path, "hooks.py", "import not_a_real_module_xyz\n")
    with pytest.raises(CloudLoadError, match="hooks.py, line 1: ModuleNotFoundError"):
        load_cloud_code(tmp_path, Cloud())


def test_a_bad_registration_is_reported_at_the_decorator(tmp_path):
    bad = write(tmp_path, "hooks.py", """
        from parse_clone.cloud import Cloud
        cloud = Cloud()

        @cloud.before_save("_Session")
        def nope(req):
            pass
    """)
    with pytest.raises(CloudLoadError) as info:
        load_cloud_code(tmp_path, Cloud())
    assert info.value.path == str(bad)
    assert info.value.line == 5
    assert "Only the afterLogout trigger is allowed for the _Session class." in info.value.message


def test_a_failing_register_function_is_reported(tmp_path):
    write(tmp_path, "hooks.py", "def register(cloud):\n    cloud.define('f', require_usr=True)\n")
    with pytest.raises(CloudLoadError, match=r"hooks.py, line 2: CloudRegistrationError: .*require_usr"):
        load_cloud_code(tmp_path, Cloud())


def test_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(CloudLoadError, match="no such cloud code folder"):
        load_cloud_code(tmp_path / "nope", Cloud())


def test_a_file_that_registers_nothing_is_only_a_warning(tmp_path, caplog):
    write(tmp_path, "empty.py", "X = 1\n")
    load_cloud_code(tmp_path, Cloud())
    assert "registers nothing" in caplog.text


def test_a_package_init_runs_first(tmp_path):
    write(tmp_path, "__init__.py", "SHARED = 'from init'\n")
    write(tmp_path, "main.py", """
        from . import SHARED
        def register(cloud):
            cloud.define("f", lambda req: SHARED)
    """)
    cloud = Cloud()
    load_cloud_code(tmp_path, cloud)
    assert cloud.function("f").handler(None) == "from init"
