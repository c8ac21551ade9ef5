"""The lean record base the helper and the creation path use instead of dataclasses."""

from __future__ import annotations

import pytest

from autovenv.hook.records import Record, dataclass, field


@dataclass(frozen=True)
class Point(Record):
    x: int
    y: int = 0
    tags: list = field(default_factory=list)  # noqa: RUF009 - the stand-in's own field()


@dataclass
class Box(Record):
    items: list = field(default_factory=list)  # noqa: RUF009


def test_fields_defaults_and_factories() -> None:
    p = Point(1)
    assert (p.x, p.y, p.tags) == (1, 0, [])
    assert Point(1, tags=["a"]).tags == ["a"]
    assert Point(1).tags is not Point(1).tags
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=[])"


def test_equality_and_hash() -> None:
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1)
    assert hash(Point(1, 2, ("t",))) == hash(Point(1, 2, ("t",)))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hash(Box())


def test_frozen_refuses_assignment_and_mutable_allows_it() -> None:
    with pytest.raises(AttributeError):
        Point(1).x = 2  # type: ignore[misc]
    b = Box()
    b.items = [1]
    assert b.items == [1]


def test_bad_calls_are_type_errors() -> None:
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, [], 4)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, z=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        dataclass(type("Plain", (), {}))
