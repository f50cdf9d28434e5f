"""Places: which spans of a page name places, and which known place each one is.

The gazetteer itself (names to places) is in `gazetteer.py`; this module is what the
normalise stage calls.
"""

from __future__ import annotations

from .gazetteer import GAZETTEER_VERSION, Place, get_place, lookup, normalise_name

__all__ = ["GAZETTEER_VERSION", "Place", "get_place", "lookup", "normalise_name"]
