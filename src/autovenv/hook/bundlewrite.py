"""Write the hook path's bundle (preload.py reads it): the modules' code, compiled in one file.

Layout: magic, the lengths of the index and of the hot modules' code, the index (the package
directory and module lists it was made for; name -> source, mtime, size, offset, length),
then each module's marshalled code. The hot part (index and the modules of a plain boundary
cd) is read in one go; a creation module is read from the file when imported, so a plain cd
does not pay for the creation path's pages.
"""

from __future__ import annotations

import marshal
import os  # written once per install or upgrade: os costs nothing that matters here
import sys

from autovenv.hook import preload
from autovenv.hook.atomicfile import atomic_write

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import CodeType


_FUTURE_LINE = b"\nfrom __future__ import annotations\n"


def compile_module(source: bytes, path: str) -> CodeType:
    """The module's code as an import would compile it, except that `from __future__ import
    annotations` becomes the compiler flag alone (its line left blank, so line numbers hold):
    importing __future__ at run time, and listing the standard library's directory to find
    it, costs as much as two of our modules."""
    import __future__

    flags = 0
    if _FUTURE_LINE in b"\n" + source:
        source = (b"\n" + source).replace(_FUTURE_LINE, b"\n\n", 1)[1:]
        flags = __future__.annotations.compiler_flag
    return compile(source, path, "exec", flags=flags, dont_inherit=True)


def build(package_dir: str = preload.PACKAGE_DIR) -> bytes:
    """The bundle's bytes, compiled from the sources now. OSError when one cannot be read."""
    stamps, blobs = {}, []
    for name in preload.BUNDLED:
        path = preload.source_path(name, package_dir)
        mtime, size = preload.source_stamp(path)
        with open(path, "rb") as f:
            source = f.read()
        if len(source) != size:
            raise OSError(f"{path} is being rewritten")
        stamps[name] = (path, mtime, size)
        blobs.append((name, marshal.dumps(compile_module(source, path))))
    index: dict[str, object] = {"": (package_dir, preload.BUNDLED)}
    offset = hot_length = 0
    for name, blob in blobs:
        index[name] = (*stamps[name], offset, len(blob))
        offset += len(blob)
        if name in preload.EAGER + preload.ON_DEMAND:  # they come first
            hot_length = offset
    data = marshal.dumps(index)
    lengths = len(data).to_bytes(4, "little") + hot_length.to_bytes(4, "little")
    return b"".join([preload.MAGIC, lengths, data] + [blob for _, blob in blobs])


def rebuild(package_dir: str = preload.PACKAGE_DIR) -> bool:
    """Write the bundle anew (after the answer: it costs a few compilations, once per install
    or upgrade). Silent and harmless where it cannot write."""
    if sys.dont_write_bytecode:
        return False
    target = preload.bundle_path(package_dir)
    cache = target.rpartition(preload.SEP)[0]
    try:
        if not os.access(cache, os.W_OK):
            if not os.access(package_dir, os.W_OK):
                return False
            os.mkdir(cache)
        atomic_write(target, build(package_dir))
    except Exception:  # a cache: failing to write it must never fail the answer
        return False
    return True


def state(package_dir: str = preload.PACKAGE_DIR) -> str:
    """For `autovenv doctor`: "fresh", "stale" (a source changed since), "missing" or
    "unwritable" (no bundle, and none can be written here). Installs nothing."""
    try:
        with open(preload.bundle_path(package_dir), "rb") as f:
            index = preload.read_bundle(f, package_dir)[0]
        for name in preload.BUNDLED:
            path, mtime, size = index[name][:3]
            if preload.source_stamp(path) != (mtime, size):
                return "stale"
        return "fresh"
    except FileNotFoundError:
        cache = preload.bundle_path(package_dir).rpartition(preload.SEP)[0]
        writable = os.access(cache, os.W_OK) or os.access(package_dir, os.W_OK)
        return "missing" if writable and not sys.dont_write_bytecode else "unwritable"
    except (*preload.UNREADABLE, KeyError):
        return "stale"


if __name__ == "__main__":  # after an install: `python -I -m autovenv.hook.bundlewrite`
    sys.exit(0 if rebuild() else 1)
