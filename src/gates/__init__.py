"""gates: quality gates for Python projects, with enforced speed budgets."""

# A literal, not importlib.metadata: `gates --version` must cost next to nothing.
__version__ = "0.1.0"
