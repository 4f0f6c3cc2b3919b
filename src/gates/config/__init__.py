"""The config domain: the model, loading and merging presets, validation, init, schema."""

from gates.config.errors import ConfigError
from gates.config.loader import LoadedConfig, load_config
from gates.config.model import LAYERS, Check, Config, Layer

__all__ = ["LAYERS", "Check", "Config", "ConfigError", "Layer", "LoadedConfig", "load_config"]
