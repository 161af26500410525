"""Fixtures the incidents tests share (each part adds its own import here)."""

from .cap_helpers import cap_keys, cap_settings, standins  # noqa: F401
