"""The one exception type the network and data layers raise for bad input."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input a planner can fix: the message names the file, row, field or point."""
