"""A minimal stand-in for `dataclasses` for the helper and the creation path.

The per-cd helper must start in about the time of a bare interpreter; importing dataclasses
pulls in inspect, re and copy (~20 ms here). Records inherit `Record`, which holds what they
use once: fields from annotations, defaults, `field(default_factory=...)`, ==, repr, frozen +
hash. The `dataclass` decorator only marks a class frozen. Type checkers see the real
`dataclasses` names instead (the end of this file): modules import Record, dataclass and field
from here either way.
"""

from __future__ import annotations

_MISSING = object()


class _Factory:
    def __init__(self, make):  # type: ignore[no-untyped-def]
        self.make = make


def _field(default_factory):  # type: ignore[no-untyped-def]
    return _Factory(default_factory)


class _Record:
    """Base of the hook path's records: fields are the annotated names, worked out at the
    first instance (a class that is never instantiated costs nothing more)."""

    _frozen = False

    @classmethod
    def _fields(cls):  # type: ignore[no-untyped-def]
        fields = cls.__dict__.get("_record_fields")
        if fields is None:
            names: dict[str, object] = {}
            for klass in reversed(cls.__mro__):  # inherited fields first, as dataclasses does
                for name in klass.__dict__.get("__annotations__", {}):
                    names[name] = getattr(cls, name, _MISSING)
            fields = tuple(names.items())
            cls._record_fields = fields
        return fields

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        fields = self._fields()
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} fields")
        for i, (name, default) in enumerate(fields):
            if i < len(args):
                value = args[i]
            elif name in kwargs:
                value = kwargs.pop(name)
            elif default is _MISSING:
                raise TypeError(f"{type(self).__name__} is missing {name}")
            else:
                value = default.make() if isinstance(default, _Factory) else default
            object.__setattr__(self, name, value)
        if kwargs:
            raise TypeError(f"{type(self).__name__} has no field {next(iter(kwargs))!r}")

    def __setattr__(self, name, value):  # type: ignore[no-untyped-def]
        if self._frozen:
            raise AttributeError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __eq__(self, other):  # type: ignore[no-untyped-def]
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n, _ in self._fields())

    def __hash__(self):  # type: ignore[no-untyped-def]
        if not self._frozen:
            raise TypeError(f"unhashable type: {type(self).__name__!r}")
        return hash(tuple(getattr(self, n) for n, _ in self._fields()))

    def __repr__(self):  # type: ignore[no-untyped-def]
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n, _ in self._fields())
        return f"{type(self).__qualname__}({inner})"


def _dataclass(cls=None, frozen=False):  # type: ignore[no-untyped-def]
    """The decorator records are written with (type checkers see the real one): the methods
    come from Record, so it only marks a frozen class."""

    def wrap(cls):  # type: ignore[no-untyped-def]
        if not issubclass(cls, _Record):
            raise TypeError(f"{cls.__name__} must inherit autovenv.hook.records.Record")
        if frozen:
            cls._frozen = True
        return cls

    return wrap if cls is None else wrap(cls)


TYPE_CHECKING = False
if TYPE_CHECKING:  # the real rules, for the type checker
    from dataclasses import dataclass as dataclass
    from dataclasses import field as field

    Record = object
else:
    Record, dataclass, field = _Record, _dataclass, _field
