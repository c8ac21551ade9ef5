"""The hook path's modules from one cached file, instead of one .pyc file each.

The helper runs at every boundary cd and `autovenv hook` in every new shell. Finding, opening
and checking a dozen .pyc files through importlib cost about a tenth of a bare interpreter's
start-up (issue 5). The bundle holds the code of those modules, compiled from the sources
beside this file, with each source's mtime and size: a module whose source changed since is
imported the ordinary way (as a stale .pyc would be recompiled), and the caller rebuilds the
bundle after its answer. It lives in the package's __pycache__, like the .pyc files it
stands for; where that is not writable, imports stay ordinary (slower, never wrong).
bundlewrite.py writes it (its layout is described there).
"""

# No `from __future__ import annotations` here (see bundlewrite.compile_module): annotations 3.9 cannot
# evaluate are strings.
import marshal
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import CodeType
    from typing import BinaryIO

# The interpreter's own OS module (posix; nt on Windows), already loaded: not os, which costs.
_system = sys.modules.get("posix") or sys.modules["nt"]
fstat, stat = _system.fstat, _system.stat

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
    "autovenv.hook.errors", "autovenv.creation", "autovenv.hook.atomicfile", "autovenv.creation.locks",
    "autovenv.creation.failures", "autovenv.creation.backend", "autovenv.creation.staging",
    "autovenv.creation.progress", "autovenv.hook.leanstrings", "autovenv.hook.leantoml",
    "autovenv.hook.tomlfile", "autovenv.hook.config", "autovenv.creation.create",
    "autovenv.creation.cachefile", "autovenv.creation.requests", "autovenv.creation.candidates",
    "autovenv.creation.probe", "autovenv.creation.specifiers", "autovenv.creation.interpreters",
    "autovenv.creation.mismatch", "autovenv.creation.pipwheel", "autovenv.sync.syncstate",
    "autovenv.sync.consent", "autovenv.sync.choice", "autovenv.sync.installer",
)
# Run, in this order and without importlib's search, just before the key is imported: what
# it needs, on the creation path (tests/test_preload.py checks the order as for EAGER).
PRELUDES = {
    "autovenv.creation.create": (
        "autovenv.hook.locations", "autovenv.creation.locks", "autovenv.creation.backend",
        "autovenv.hook.errors", "autovenv.hook.atomicfile", "autovenv.creation.failures",
        "autovenv.creation.staging", "autovenv.creation.progress", "autovenv.hook.trust",
        "autovenv.hook.leanstrings",
        "autovenv.hook.leantoml", "autovenv.hook.tomlfile", "autovenv.hook.config",
    ),
}
PACKAGES = ("autovenv.hook.shells", "autovenv.creation", "autovenv.sync", "autovenv.install")
BUNDLED = EAGER + ON_DEMAND + ON_CREATION

_HERE = __file__
_HOOK_DIR = _HERE[: max(_HERE.rfind("/"), _HERE.rfind("\\"))]
SEP = _HERE[len(_HOOK_DIR)]
PACKAGE_DIR = _HOOK_DIR[: _HOOK_DIR.rfind(SEP)]
# The bundle is valid only for the interpreter that wrote it (its bytecode magic comes first)
# and for this file's format (the version after it).
MAGIC = sys.modules["_frozen_importlib_external"].MAGIC_NUMBER + b"autovenv-bundle-2\n"
HEADER = len(MAGIC) + 8  # then two lengths, 4 bytes each, little-endian
_ModuleSpec = sys.modules["_frozen_importlib"].ModuleSpec
# What a missing, truncated or foreign bundle raises while it is read or unmarshalled.
UNREADABLE = (OSError, ValueError, EOFError, TypeError)


def bundle_path(package_dir: str = PACKAGE_DIR) -> str:
    return f"{package_dir}{SEP}__pycache__{SEP}hookpath.{sys.implementation.cache_tag}.bundle"


def source_path(name: str, package_dir: str = PACKAGE_DIR) -> str:
    relative = name.split(".")[1:]
    if name in PACKAGES:
        relative.append("__init__")
    return package_dir + SEP + SEP.join(relative) + ".py"


def source_stamp(path: str) -> "tuple[int, int]":
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
            if source_stamp(entry[0]) == (entry[1], entry[2]):
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
        if end - HEADER <= len(self.hot):
            return marshal.loads(self.hot[start - HEADER : end - HEADER])
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
        except UNREADABLE:
            self.stale = True
            del self.index[name]
            return None  # the ordinary import
        # (No has_location: importlib would work out a .pyc path for __cached__ that no one
        # reads; exec_module sets __file__.)
        spec = _ModuleSpec(name, self, origin=self.index[name][0], is_package=name in PACKAGES)
        if name in PACKAGES:
            spec.submodule_search_locations = [self.index[name][0].rpartition(SEP)[0]]
        return spec

    def create_module(self, spec: object) -> None:
        return None  # importlib's default module

    def exec_module(self, module: object) -> None:
        module.__file__ = module.__spec__.origin  # type: ignore[attr-defined]
        exec(self.ready.pop(module.__name__), module.__dict__)  # type: ignore[attr-defined,arg-type]


_loaded: "_Bundle | None" = None


def read_bundle(f: "BinaryIO", package_dir: str) -> "tuple[dict, bytes, int]":
    """The index, the hot part (what follows the header) and where the code starts in the
    file, of an open bundle made for `package_dir`; ValueError, EOFError or OSError when it is
    not that. One read for the hot part, never glued to the header: a copy of that size is
    fresh memory, whose first touch costs as much as reading it."""
    header = f.read(HEADER)
    if header[: len(MAGIC)] != MAGIC or len(header) != HEADER:
        raise ValueError("not a bundle of this interpreter and format")
    index_length = int.from_bytes(header[-8:-4], "little")
    hot_length = int.from_bytes(header[-4:], "little")
    hot = f.read(index_length + hot_length)
    if len(hot) != index_length + hot_length:
        raise EOFError("truncated")
    index = marshal.loads(memoryview(hot)[:index_length])
    # Made for this package directory (a copied or moved package has its own sources) and for
    # these module lists.
    if type(index) is not dict or index.pop("", None) != (package_dir, BUNDLED):
        raise ValueError("not the index of this package")
    return index, hot, HEADER + index_length


def load(package_dir: str = PACKAGE_DIR) -> bool:
    """Run the eager modules and serve the others from the bundle. False when the bundle is
    missing, unreadable, from another interpreter or out of date: `rebuild()` then helps."""
    global _loaded
    try:
        f = open(bundle_path(package_dir), "rb")
    except OSError:
        return False
    try:
        index, hot, base = read_bundle(f, package_dir)
    except UNREADABLE:
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
        except UNREADABLE:
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
        module.__path__ = [path.rpartition(SEP)[0]]
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


def boot() -> None:
    """Make the helper's process ready to import the hook path (helper.py calls this first)."""
    import gc

    gc.disable()  # the process lives for milliseconds: collecting cycles is wasted work
    # The packages as bare modules (their __init__ files hold docstrings only); our package's
    # parent goes last on sys.path, behind the stdlib, so nothing there can shadow a standard
    # module.
    sys.path.append(PACKAGE_DIR[: PACKAGE_DIR.rfind(SEP)])
    for name, path in (("autovenv", PACKAGE_DIR), ("autovenv.hook", _HOOK_DIR)):
        package = sys.modules[name] = type(sys)(name)
        package.__path__ = [path]
    package.preload = sys.modules[__name__]  # type: ignore[attr-defined]
    load()
