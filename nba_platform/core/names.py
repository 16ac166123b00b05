"""Player name keys: one `player_lookup` for the spellings of the NBA logs and the sportsbooks.

The logs use ASCII-folded NBA names ("Nikola Jokic", "Jimmy Butler"); books write "Nikola Jokić" or
"Jimmy Butler III". The key folds accents, drops generational suffixes and keeps only letters and
digits, so both spellings meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import polars as pl

_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v"}
_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")


@lru_cache(maxsize=16_384)  # a season's files repeat the same few hundred names many times over
def player_lookup(name: str | None) -> str | None:
    if name is None:
        return None
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    words = _NON_ALNUM.sub("", folded.replace("-", " ").replace(".", " ")).split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return "".join(words) or None


def player_lookup_expr(column: str) -> pl.Expr:
    """The same key as a polars expression (applied to the distinct names only, so it stays cheap)."""
    return pl.col(column).map_elements(player_lookup, return_dtype=pl.String, skip_nulls=True)
