"""demo: a small package for trying gates on."""

__version__ = "0.1.0"
