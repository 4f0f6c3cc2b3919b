"""A calculator for the command line.

Planted problem: `eval(input())` runs whatever the user types as Python code.
Caught by the pre-push layer's `bandit` check (B307).
"""


def evaluate() -> object:
    """Read an arithmetic expression from the user and return its value."""
    return eval(input("expression: "))
