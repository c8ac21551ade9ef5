"""The hook path's modules from one cached file, instead of one .pyc file each.

The helper runs at every boundary cd and `autovenv hook` in every new shell. Finding, opening
and checking a dozen .pyc files through importlib cost about a tenth of a bare interpreter's
start-up (issue 5). The bundle holds the code of those modules, compiled from the sources
beside this file, with each source's mtime and size: a module whose source changed since is
imported the ordinary way (as a stale .pyc would be recompiled), and the caller rebuilds the
bundle after its answer. It lives in the package's __pycache__, like the .pyc files it
stands for; where that is not writable, imports stay ordinary (slower, never wrong).

Layout: magic, the lengths of the index and of the hot modules' code, the index (the package
directory and module lists it was made for; name -> source, mtime, size, offset, length),
then each module's marshalled code. The hot part (index and the modules of a plain boundary
cd) is read in one go; a creation module is read from the file when imported, so a plain cd
does not pay for the creation path's pages.
"""

# No `from __future__ import annotations` here (see _compile): annotations 3.9 cannot
# evaluate are strings.
import marshal
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import CodeType
    from typing import BinaryIO

# The interpreter's own OS module (posix; nt on Windows), already loaded: not os, which costs.
_system = sys.modules.get("posix") or sys.modules["nt"]
W_OK, access, fstat, getpid = _system.W_OK, _system.access, _system.fstat, _system.getpid
mkdir, remove, replace, stat = _system.mkdir, _system.remove, _system.replace, _system.stat

# Run at load, in this order: every run of the helper needs them. A module comes after the
# modules it imports at its top level and after its package (tests/test_preload.py checks;
# a wrong order is slower, not wrong: the module is then served on demand).
EAGER = (
    "autovenv.hook.paths",
    "autovenv.hook.fs",
    "autovenv.hook.records",
    "autovenv.hook.venvs",
    "autovenv.hook.discover",
    "autovenv.hook.plan",
    "autovenv.hook.scope",
    "autovenv.hook.shells",
    "autovenv.hook.messages",
    "autovenv.hook.export",
)
# Read with the eager ones, run when imported: one shell's adapter, trust and the settings check
# on entering a project, what a new shell keeps (hookcache).
ON_DEMAND = (
    "autovenv.hook.shells.base",
    "autovenv.hook.shells.posix",
    "autovenv.hook.shells.bash",
    "autovenv.hook.shells.zsh",
    "autovenv.hook.shells.fish",
    "autovenv.hook.shells.elvish",
    "autovenv.hook.shells.pwsh",
    "autovenv.hook.locations",
    "autovenv.hook.settingscheck",
    "autovenv.hook.trust",
    "autovenv.hook.insync",
    "autovenv.sync",
    "autovenv.sync.autosync",
    "autovenv.install",
    "autovenv.install.hookcache",
)
# Read from the file when imported: the creation path, in a project that has no venv yet.
ON_CREATION = (
    "autovenv.hook.errors",
    "autovenv.creation",
    "autovenv.creation.fsops",
    "autovenv.creation.progress",
    "autovenv.creation.locks",
    "autovenv.creation.failures",
    "autovenv.creation.backend",
    "autovenv.hook.leantoml",
    "autovenv.hook.tomlfile",
    "autovenv.hook.config",
    "autovenv.creation.create",
    "autovenv.creation.interpreters",
    "autovenv.creation.pipwheel",
    "autovenv.sync.syncstate",
    "autovenv.sync.consent",
    "autovenv.sync.installer",
)
# Run, in this order and without importlib's search, just before the key is imported: what
# it needs, on the creation path (tests/test_preload.py checks the order as for EAGER).
PRELUDES = {
    "autovenv.creation.create": (
        "autovenv.hook.locations", "autovenv.creation.fsops", "autovenv.creation.progress",
        "autovenv.creation.locks", "autovenv.creation.backend", "autovenv.hook.errors",
        "autovenv.creation.failures",
        "autovenv.hook.trust", "autovenv.hook.leantoml", "autovenv.hook.tomlfile", "autovenv.hook.config",
    ),
}
PACKAGES = ("autovenv.hook.shells", "autovenv.creation", "autovenv.sync", "autovenv.install")
_BUNDLED = EAGER + ON_DEMAND + ON_CREATION

_HERE = __file__
_HOOK_DIR = _HERE[: max(_HERE.rfind("/"), _HERE.rfind("\\"))]
_SEP = _HERE[len(_HOOK_DIR)]
_PACKAGE_DIR = _HOOK_DIR[: _HOOK_DIR.rfind(_SEP)]
# The bundle is valid only for the interpreter that wrote it (its bytecode magic comes first)
# and for this file's format (the version after it).
_MAGIC = sys.modules["_frozen_importlib_external"].MAGIC_NUMBER + b"autovenv-bundle-2\n"
_HEADER = len(_MAGIC) + 8  # then two lengths, 4 bytes each, little-endian
_ModuleSpec = sys.modules["_frozen_importlib"].ModuleSpec
# What a missing, truncated or foreign bundle raises while it is read or unmarshalled.
_UNREADABLE = (OSError, ValueError, EOFError, TypeError)


def bundle_path(package_dir: str = _PACKAGE_DIR) -> str:
    return f"{package_dir}{_SEP}__pycache__{_SEP}hookpath.{sys.implementation.cache_tag}.bundle"


def source_path(name: str, package_dir: str = _PACKAGE_DIR) -> str:
    relative = name.split(".")[1:]
    if name in PACKAGES:
        relative.append("__init__")
    return package_dir + _SEP + _SEP.join(relative) + ".py"


def _stamp(path: str) -> "tuple[int, int]":
    st = stat(path)
    return st.st_mtime_ns, st.st_size


class _Bundle:
    """A finder and loader for the modules in the bundle (importlib's protocol)."""

    def __init__(self, file: "BinaryIO", index: "dict[str, tuple[str, int, int, int, int]]",
                 hot: bytes, base: int):
        # The open file, not its path: if another process replaces the bundle meanwhile,
        # the creation modules still come from the one this index describes.
        self.file = file
        self.index = index
        self.hot = memoryview(hot)  # the file's bytes after the header: index, hot modules' code
        self.base = base  # where the code starts in the file (offsets count from there)
        self.ready: dict[str, CodeType] = {}
        self.stale = False

    def has(self, name: str) -> bool:
        """Whether the bundle holds `name` as its source is now (a changed one is dropped)."""
        entry = self.index.get(name)
        if entry is None:
            return False
        try:
            if _stamp(entry[0]) == (entry[1], entry[2]):
                return True
        except Exception:  # gone, unreadable, or an entry that makes no sense
            pass
        self.stale = True
        del self.index[name]
        return False

    def code(self, name: str) -> "CodeType":
        """The module's code; OSError, ValueError or EOFError when the file lets us down."""
        start = self.base + self.index[name][3]
        end = start + self.index[name][4]
        if end - _HEADER <= len(self.hot):
            return marshal.loads(self.hot[start - _HEADER : end - _HEADER])
        self.file.seek(start)
        data = self.file.read(end - start)
        if len(data) != end - start:
            raise EOFError(name)
        return marshal.loads(data)

    def find_spec(self, name: str, path: object = None, target: object = None) -> "object | None":
        if not self.has(name):
            return None
        for first in PRELUDES.get(name, ()):
            _run_from(self, first)
        try:
            self.ready[name] = self.code(name)
        except _UNREADABLE:
            self.stale = True
            del self.index[name]
            return None  # the ordinary import
        spec = _ModuleSpec(name, self, origin=self.index[name][0], is_package=name in PACKAGES)
        spec.has_location = True
        if name in PACKAGES:
            spec.submodule_search_locations = [self.index[name][0].rpartition(_SEP)[0]]
        return spec

    def create_module(self, spec: object) -> None:
        return None  # importlib's default module

    def exec_module(self, module: object) -> None:
        exec(self.ready.pop(module.__name__), module.__dict__)  # type: ignore[attr-defined,arg-type]


_loaded: "_Bundle | None" = None


def _read(f: "BinaryIO", package_dir: str) -> "tuple[dict, bytes, int]":
    """The index, the hot part (what follows the header) and where the code starts in the
    file, of an open bundle made for `package_dir`; ValueError, EOFError or OSError when it is
    not that. One read for the hot part, never glued to the header: a copy of that size is
    fresh memory, whose first touch costs as much as reading it."""
    header = f.read(_HEADER)
    if header[: len(_MAGIC)] != _MAGIC or len(header) != _HEADER:
        raise ValueError("not a bundle of this interpreter and format")
    index_length = int.from_bytes(header[-8:-4], "little")
    hot_length = int.from_bytes(header[-4:], "little")
    hot = f.read(index_length + hot_length)
    if len(hot) != index_length + hot_length:
        raise EOFError("truncated")
    index = marshal.loads(memoryview(hot)[:index_length])
    # Made for this package directory (a copied or moved package has its own sources) and for
    # these module lists.
    if type(index) is not dict or index.pop("", None) != (package_dir, _BUNDLED):
        raise ValueError("not the index of this package")
    return index, hot, _HEADER + index_length


def load(package_dir: str = _PACKAGE_DIR) -> bool:
    """Run the eager modules and serve the others from the bundle. False when the bundle is
    missing, unreadable, from another interpreter or out of date: `rebuild()` then helps."""
    global _loaded
    try:
        f = open(bundle_path(package_dir), "rb")
    except OSError:
        return False
    try:
        index, hot, base = _read(f, package_dir)
    except _UNREADABLE:
        f.close()
        return False
    bundle = _loaded = _Bundle(f, index, hot, base)
    sys.meta_path.insert(0, bundle)  # type: ignore[arg-type]
    for name in EAGER:
        _run_from(bundle, name)
    return not bundle.stale


def _run_from(bundle: _Bundle, name: str) -> None:
    """Run module `name` from the bundle unless it has run; when the bundle cannot serve it,
    it is imported the ordinary way when needed."""
    if name not in sys.modules and bundle.has(name):
        try:
            code = bundle.code(name)
        except _UNREADABLE:
            bundle.stale = True
            return
        _run(name, code, bundle)


def _run(name: str, code: "CodeType", bundle: _Bundle) -> None:
    """Make and run module `name` as an import would, without importlib's search."""
    path = bundle.index[name][0]
    parent, _, child = name.rpartition(".")
    module = type(sys)(name)
    module.__file__ = path
    module.__spec__ = _ModuleSpec(name, bundle, origin=path, is_package=name in PACKAGES)
    module.__loader__ = bundle  # type: ignore[assignment]
    if name in PACKAGES:
        module.__path__ = [path.rpartition(_SEP)[0]]
        module.__package__ = name
    else:
        module.__package__ = parent
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    setattr(sys.modules[parent], child, module)


def outdated() -> bool:
    """Whether this process found the bundle missing, damaged or out of date (so far)."""
    return _loaded is None or _loaded.stale


def stamp() -> "str | None":
    """The loaded bundle's identity (mtime and size, hex), while it is fresh: it changes with
    every rebuild, so with every change to the hook path's code (hookcache.py keys by it)."""
    if _loaded is None or _loaded.stale:
        return None
    try:
        st = fstat(_loaded.file.fileno())
    except (OSError, ValueError):
        return None
    return f"{st.st_mtime_ns:x}-{st.st_size:x}"


def state(package_dir: str = _PACKAGE_DIR) -> str:
    """For `autovenv doctor`: "fresh", "stale" (a source changed since), "missing" or
    "unwritable" (no bundle, and none can be written here). Installs nothing."""
    try:
        with open(bundle_path(package_dir), "rb") as f:
            index = _read(f, package_dir)[0]
        for name in _BUNDLED:
            path, mtime, size = index[name][:3]
            if _stamp(path) != (mtime, size):
                return "stale"
        return "fresh"
    except FileNotFoundError:
        cache = bundle_path(package_dir).rpartition(_SEP)[0]
        writable = access(cache, W_OK) or access(package_dir, W_OK)
        return "missing" if writable and not sys.dont_write_bytecode else "unwritable"
    except (*_UNREADABLE, KeyError):
        return "stale"


_FUTURE_LINE = b"\nfrom __future__ import annotations\n"


def _compile(source: bytes, path: str) -> "CodeType":
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


def build(package_dir: str = _PACKAGE_DIR) -> bytes:
    """The bundle's bytes, compiled from the sources now. OSError when one cannot be read."""
    stamps, blobs = {}, []
    for name in _BUNDLED:
        path = source_path(name, package_dir)
        mtime, size = _stamp(path)
        with open(path, "rb") as f:
            source = f.read()
        if len(source) != size:
            raise OSError(f"{path} is being rewritten")
        stamps[name] = (path, mtime, size)
        blobs.append((name, marshal.dumps(_compile(source, path))))
    index: dict[str, object] = {"": (package_dir, _BUNDLED)}
    offset = hot_length = 0
    for name, blob in blobs:
        index[name] = (*stamps[name], offset, len(blob))
        offset += len(blob)
        if name in EAGER + ON_DEMAND:  # they come first
            hot_length = offset
    data = marshal.dumps(index)
    lengths = len(data).to_bytes(4, "little") + hot_length.to_bytes(4, "little")
    return b"".join([_MAGIC, lengths, data] + [blob for _, blob in blobs])


def rebuild(package_dir: str = _PACKAGE_DIR) -> bool:
    """Write the bundle anew (after the answer: it costs a few compilations, once per install
    or upgrade). Silent and harmless where it cannot write."""
    if sys.dont_write_bytecode:
        return False
    target = bundle_path(package_dir)
    cache = target.rpartition(_SEP)[0]
    try:
        if not access(cache, W_OK):
            if not access(package_dir, W_OK):
                return False
            mkdir(cache)
        data = build(package_dir)
        tmp = f"{target}.tmp{getpid()}"
        try:
            with open(tmp, "wb") as f:
                f.write(data)
            replace(tmp, target)
        except BaseException:
            try:
                remove(tmp)
            except OSError:
                pass
            raise
    except Exception:  # a cache: failing to write it must never fail the answer
        return False
    return True


if __name__ == "__main__":  # install.sh: `python -I -m autovenv.hook.preload` after an install
    sys.exit(0 if rebuild() else 1)
