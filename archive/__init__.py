"""The archive layer: SQLite schema, loading, Datasette and the `bulletins` command.

Start-up. sqlite-utils imports pandas when it is installed, only to map
``pandas.Timestamp`` to a TEXT column when it creates a table from Python values; that
import costs ~0.4 s of every command. Nothing in the archive hands pandas values to
sqlite-utils (only `bulletins export` uses pandas, and it reads), so while the module
``sqlite_utils.db`` runs its first import, pandas is hidden: ``sys.modules["pandas"]``
is None for exactly that time, which makes its ``import pandas`` raise ImportError, and
the entry is removed right after, so any other ``import pandas`` works as usual. The
hook below does only this, once, and removes itself. numpy is hidden the same way (it
only maps numpy's number types, which the archive converts before storing; name
matching imports numpy when it ranks candidates). ``give_sqlite_utils_pandas`` adds the
Timestamp mapping back once pandas is imported (`export` calls it).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType
from typing import Any

HIDDEN = ("pandas", "numpy")
HIDDEN_FROM = "sqlite_utils.db"


class _HidingLoader(importlib.abc.Loader):
    """Runs one module with the ``HIDDEN`` modules unimportable; the rest goes to its loader."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        hidden = [name for name in HIDDEN if name not in sys.modules]  # not yet imported
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]
        try:
            self.loader.exec_module(module)
        finally:
            for name in hidden:
                if sys.modules.get(name, 0) is None:
                    del sys.modules[name]

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, ... of the real one
        return getattr(self.loader, name)


class _HidePandasFromSqliteUtils(importlib.abc.MetaPathFinder):
    """Finds ``HIDDEN_FROM`` the usual way, once, and gives it the hiding loader."""

    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != HIDDEN_FROM:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _HidingLoader(spec.loader)
        return spec


def give_sqlite_utils_pandas() -> None:
    """The pandas type sqlite-utils maps when it finds pandas at import; call after
    ``import pandas``."""
    import pandas
    import sqlite_utils.db

    sqlite_utils.db.pd = pandas
    sqlite_utils.db.COLUMN_TYPE_MAPPING[pandas.Timestamp] = "TEXT"


if HIDDEN_FROM not in sys.modules:
    sys.meta_path.insert(0, _HidePandasFromSqliteUtils())
