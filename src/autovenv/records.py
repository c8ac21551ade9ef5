"""A minimal stand-in for `dataclasses` on the hook path.

The per-cd helper must start in about the time of a bare interpreter; importing dataclasses
pulls in inspect, re and copy (~20 ms here). This decorator covers what autovenv's records use:
fields from annotations, defaults, `field(default_factory=...)`, ==, repr, frozen + hash.
"""

from __future__ import annotations

_MISSING = object()


class _Factory:
    def __init__(self, make):  # type: ignore[no-untyped-def]
        self.make = make


def field(default_factory):  # type: ignore[no-untyped-def]
    return _Factory(default_factory)


def dataclass(cls=None, frozen=False):  # type: ignore[no-untyped-def]
    def wrap(cls):  # type: ignore[no-untyped-def]
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
