"""Ottawa Treaty Bot: sourced, date-aware answers about the Mine Ban Convention."""

from __future__ import annotations

__version__ = "0.1.0"
