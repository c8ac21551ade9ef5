"""A minimal stand-in for `dataclasses` on the hook path.

The per-cd helper must start in about the time of a bare interpreter; importing dataclasses
pulls in inspect, re and copy (~20 ms here). This decorator covers what autovenv's records use:
fields from annotations, defaults, `field(default_factory=...)`, ==, repr, frozen + hash.

Classes on the hook path also inherit `Record`, which holds those methods once: then the
decorator only marks the class frozen. Setting __init__, __eq__... on each class after it is
made costs CPython a slot update per method, about 2.5 million instructions for the hook
path's dozen records (a sixth of the helper's own cost).
"""

from __future__ import annotations

_MISSING = object()


class _Factory:
    def __init__(self, make):  # type: ignore[no-untyped-def]
        self.make = make


def field(default_factory):  # type: ignore[no-untyped-def]
    return _Factory(default_factory)


class Record:
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


def dataclass(cls=None, frozen=False):  # type: ignore[no-untyped-def]
    def wrap(cls):  # type: ignore[no-untyped-def]
        if issubclass(cls, Record):  # the methods are inherited: only mark it
            if frozen:
                cls._frozen = True
            return cls
        names = list(cls.__dict__.get("__annotations__", {}))
        defaults = {n: cls.__dict__[n] for n in names if n in cls.__dict__}
        for n, d in defaults.items():
            if isinstance(d, _Factory):
                delattr(cls, n)

        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if len(args) > len(names):
                raise TypeError(f"{cls.__name__} takes {len(names)} fields")
            values = dict(zip(names, args))
            values.update(kwargs)
            for n in names:
                if n not in values:
                    d = defaults.get(n, _MISSING)
                    if d is _MISSING:
                        raise TypeError(f"{cls.__name__} is missing {n}")
                    values[n] = d.make() if isinstance(d, _Factory) else d
                object.__setattr__(self, n, values[n])

        def __eq__(self, other):  # type: ignore[no-untyped-def]
            if other.__class__ is not self.__class__:
                return NotImplemented
            return all(getattr(self, n) == getattr(other, n) for n in names)

        def __repr__(self):  # type: ignore[no-untyped-def]
            inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
            return f"{cls.__qualname__}({inner})"

        cls.__init__, cls.__eq__, cls.__repr__ = __init__, __eq__, __repr__
        if frozen:
            def __setattr__(self, n, v):  # type: ignore[no-untyped-def]
                raise AttributeError(f"cannot assign to field {n!r}")

            cls.__setattr__ = __setattr__
            cls.__hash__ = lambda self: hash(tuple(getattr(self, n) for n in names))
        else:
            cls.__hash__ = None
        return cls

    return wrap if cls is None else wrap(cls)
