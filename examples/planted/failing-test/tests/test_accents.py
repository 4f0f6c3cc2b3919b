"""Planted problem: a test of a feature the code does not have (accents are not folded).

Caught by the pre-push layer's `tests` check (pytest -x -q).
"""

from demo.text import slugify


def test_slugify_folds_accents() -> None:
    assert slugify("Crème Brûlée") == "creme-brulee"
