"""Where numba caches the kernels, and when a cached kernel is stale.

numba keys a cached function on the source of its own file only, but a kernel has the code of the kernels it calls
compiled into it: after a change to ``routes.py`` alone, ``entry.py``'s cached kernels would still run the old
moves. Here every kernel's stamp is one hash over all the kernels' sources and the arrays' module, so any change
recompiles them all. The locators are numba's own (in the source tree's ``__pycache__``, else the user's cache
folder, or ``NUMBA_CACHE_DIR`` when set) with that stamp.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from numba.core import caching

_HERE = Path(__file__).resolve().parent
_SOURCES = (*sorted(_HERE.glob("*.py")), _HERE.parent / "arrays.py")


def _stamp() -> str:
    digest = hashlib.sha256()
    for path in _SOURCES:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_STAMP = _stamp()


def _ours(py_file: str) -> bool:
    return Path(py_file).resolve().parent == _HERE


class _Stamped:
    """Mixin: the stamp over all kernel sources, for functions of this package only."""

    def get_source_stamp(self):
        return _STAMP

    @classmethod
    def from_function(cls, py_func, py_file):
        if not _ours(py_file):
            return None
        return super().from_function(py_func, py_file)


def _numba(name: str):
    """A numba caching class by its name (numba before 0.61 prefixed it with ``_``)."""
    return getattr(caching, name, None) or getattr(caching, "_" + name)


class _UserProvided(_Stamped, _numba("UserProvidedCacheLocator")):
    pass


class _InTree(_Stamped, _numba("InTreeCacheLocator")):
    pass


class _UserWide(_Stamped, _numba("UserWideCacheLocator")):
    pass


def install() -> None:
    """Put these locators first (once)."""
    classes = _numba("CacheImpl")._locator_classes
    if _InTree not in classes:
        classes[:0] = [_UserProvided, _InTree, _UserWide]
