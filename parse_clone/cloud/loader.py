"""Loading a cloud-code folder into a server's registry.

Every ``*.py`` file of the folder whose name does not start with ``_`` is imported, in name
order, as a module of a private package (so files can share helpers with relative imports:
``from ._util import distance``). A module registers its hooks in either of two ways:

- a module-level ``cloud = Cloud()`` (any name: every `Cloud` attribute is collected), or
- a function ``register(cloud)`` called with the server's registry.

A file that fails to import or to register raises `CloudLoadError` naming the file and line;
the server refuses to start rather than serve without its hooks. `path` may also name a
single ``.py`` file.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import traceback
import types
import uuid
from pathlib import Path

from .errors import CloudLoadError
from .registry import Cloud

log = logging.getLogger("parse_clone.cloud")


def load_cloud_code(path: str | Path, cloud: Cloud) -> list[str]:
    """Import the cloud code at `path` (a folder or one file) into `cloud`; the files loaded."""
    root = Path(path).resolve()
    if root.is_file() and root.suffix == ".py":
        folder, files = root.parent, [root]
    elif root.is_dir():
        folder = root
        files = sorted(p for p in root.glob("*.py") if not p.name.startswith("_"))
    else:
        raise CloudLoadError(str(path), None, "no such cloud code folder or .py file")
    package = _make_package(folder)
    loaded: list[str] = []
    try:
        for file in files:
            module = _import(package, file)
            _collect(module, cloud, file)
            loaded.append(str(file))
    except CloudLoadError:
        _forget(package)
        raise
    log.info("loaded cloud code from %s: %d file(s), %d function(s), %d job(s)", folder, len(loaded),
             len(cloud.function_names()), len(cloud.job_names()))
    return loaded


def _make_package(folder: Path) -> str:
    """A fresh package for the folder: two servers loading the same folder get separate modules."""
    name = f"_parse_clone_cloud_{uuid.uuid4().hex[:12]}"
    init = folder / "__init__.py"
    if init.exists():
        spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(folder)])
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException as e:  # noqa: BLE001 - reported with file and line
            _forget(name)
            raise _load_error(e, folder, init) from e
    else:
        module = types.ModuleType(name)
        module.__path__ = [str(folder)]
        sys.modules[name] = module
    return name


def _import(package: str, file: Path) -> types.ModuleType:
    try:
        return importlib.import_module(f"{package}.{file.stem}")
    except BaseException as e:  # noqa: BLE001 - SystemExit in a hook file must not stop us silently
        raise _load_error(e, file.parent, file) from e


def _collect(module: types.ModuleType, cloud: Cloud, file: Path) -> None:
    found = False
    for value in list(vars(module).values()):
        if isinstance(value, Cloud) and value is not cloud:
            cloud.include(value)
            found = True
    register = getattr(module, "register", None)
    if callable(register) and getattr(register, "__module__", None) == module.__name__:
        try:
            register(cloud)
        except BaseException as e:  # noqa: BLE001
            raise _load_error(e, file.parent, file) from e
        found = True
    if not found:
        log.warning("%s registers nothing (define `cloud = Cloud()` or `def register(cloud)`)", file)


def _load_error(exc: BaseException, folder: Path, file: Path) -> CloudLoadError:
    """The error, located at the deepest frame inside the cloud folder."""
    if isinstance(exc, SyntaxError):
        return CloudLoadError(exc.filename or str(file), exc.lineno, f"SyntaxError: {exc.msg}")
    path, line = str(file), None
    for frame in traceback.extract_tb(exc.__traceback__):
        try:
            inside = Path(frame.filename).resolve().is_relative_to(folder)
        except (OSError, ValueError):
            inside = False
        if inside:
            path, line = frame.filename, frame.lineno
    detail = str(exc)
    return CloudLoadError(path, line, f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__)


def _forget(package: str) -> None:
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]
