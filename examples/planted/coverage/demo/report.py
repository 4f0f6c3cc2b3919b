"""A plain-text report of a set of shapes and a piece of text.

Planted problem: a whole module that no test exercises, which halves the demo's coverage.
Caught by the ci layer's `tests` check: coverage 50% is under the 80% gate.
"""

from __future__ import annotations

from demo.shapes import Circle, Rectangle, total_area
from demo.text import truncate, word_count

WIDTH = 40


def describe(shape: Rectangle | Circle) -> str:
    """One line about one shape."""
    if isinstance(shape, Rectangle):
        kind = f"rectangle {shape.width} x {shape.height}"
    else:
        kind = f"circle of radius {shape.radius}"
    return f"{kind}: area {shape.area():.2f}, perimeter {shape.perimeter():.2f}"


def shapes_section(shapes: list[Rectangle | Circle]) -> list[str]:
    """The shapes part of the report, largest first."""
    lines = ["Shapes", "-" * WIDTH]
    if not shapes:
        lines.append("(none)")
        return lines
    for shape in sorted(shapes, key=lambda s: s.area(), reverse=True):
        lines.append(truncate(describe(shape), WIDTH))
    lines.append(f"total area {total_area(shapes):.2f}")
    return lines


def words_section(text: str, top: int = 3) -> list[str]:
    """The most frequent words of `text`, most frequent first."""
    lines = ["Words", "-" * WIDTH]
    counts = word_count(text)
    if not counts:
        lines.append("(no words)")
        return lines
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    for word, count in ranked[:top]:
        lines.append(f"{word:<20} {count:>3}")
    lines.append(f"{len(counts)} distinct word(s)")
    return lines


def render(shapes: list[Rectangle | Circle], text: str) -> str:
    """The whole report as one string."""
    sections = [shapes_section(shapes), words_section(text)]
    lines: list[str] = []
    for section in sections:
        if lines:
            lines.append("")
        lines.extend(section)
    return "\n".join(lines) + "\n"
