"""Helpers shared by the trajectory services."""

from platform_core.validation import text_field

__all__ = ["text_field"]
