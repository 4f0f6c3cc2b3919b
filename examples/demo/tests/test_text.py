import pytest

from demo.text import slugify, truncate, word_count


def test_slugify() -> None:
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("  gates -- quality  ") == "gates-quality"


def test_word_count() -> None:
    assert word_count("the cat and The hat") == {"the": 2, "cat": 1, "and": 1, "hat": 1}


def test_truncate() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("a long sentence", 9) == "a long..."


def test_truncate_rejects_a_tiny_width() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        truncate("anything", 2)
