import math

from demo.shapes import Circle, Rectangle, total_area


def test_rectangle() -> None:
    box = Rectangle(3, 4)
    assert box.area() == 12
    assert box.perimeter() == 14


def test_circle() -> None:
    disc = Circle(1)
    assert math.isclose(disc.area(), math.pi)
    assert math.isclose(disc.perimeter(), 2 * math.pi)


def test_total_area() -> None:
    assert math.isclose(total_area([Rectangle(1, 2), Circle(1)]), 2 + math.pi)
    assert total_area([]) == 0
