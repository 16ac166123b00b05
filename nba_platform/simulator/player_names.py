"""Player names: unique ASCII names for the box scores and the spellings the odds feeds use."""

from __future__ import annotations

import numpy as np

_FIRST = (
    "Aaron", "Adrian", "Alec", "Andre", "Anthony", "Austin", "Ben", "Blake", "Brandon", "Brook", "Bruce", "Caleb",
    "Cameron", "Chris", "Cole", "Collin", "Corey", "Dalton", "Damian", "Daniel", "Darius", "David", "Dean",
    "Derrick", "Desmond", "Devin", "Donovan", "Dylan", "Elijah", "Eric", "Evan", "Gary", "Grant", "Isaiah", "Jalen",
    "Jamal", "Jaren", "Jason", "Jaylen", "Jeremy", "Jordan", "Josh", "Julian", "Justin", "Keegan", "Keith", "Kevin",
    "Kyle", "Lamar", "Luke", "Malik", "Marcus", "Mark", "Miles", "Mitchell", "Nate", "Nick", "Noah", "Obi",
    "Patrick", "Quentin", "Reggie", "Rudy", "Russell", "Ryan", "Scottie", "Seth", "Shane", "Terrence", "Trey",
    "Tyler", "Tyrese", "Victor", "Walker", "Xavier", "Zach",
)  # fmt: skip
_LAST = (
    "Adams", "Allen", "Anderson", "Bailey", "Banks", "Barnes", "Bell", "Bennett", "Brooks", "Brown", "Bryant",
    "Butler", "Carter", "Clark", "Coleman", "Collins", "Cook", "Cooper", "Davis", "DeVries", "Dixon", "Edwards",
    "Ellis", "Evans", "Fisher", "Ford", "Foster", "Gibson", "Gordon", "Graham", "Gray", "Green", "Griffin", "Hall",
    "Harris", "Hayes", "Henderson", "Hill", "Holmes", "Howard", "Hughes", "Jackson", "James", "Jenkins", "Johnson",
    "Jones", "Kelly", "King", "Knight", "Lewis", "Lopez", "Marshall", "Martin", "Mason", "McDaniels", "Miller",
    "Moore", "Morgan", "Morris", "Murphy", "Murray", "Nelson", "O'Neal", "Owens", "Parker", "Patterson", "Payne",
    "Perry", "Porter", "Powell", "Price", "Reed", "Reynolds", "Richardson", "Roberts", "Robinson", "Ross",
    "Sanders", "Scott", "Simmons", "Smith", "Stewart", "Sullivan", "Taylor", "Thomas", "Thompson", "Tucker",
    "Turner", "Wallace", "Ward", "Warren", "Washington", "Watson", "Wells", "White", "Williams", "Wilson", "Wright",
    "Young",
)  # fmt: skip
# NBA.com spells these ASCII here; some odds feeds carry the accents. Not in _LAST, so names stay unique.
_ACCENTED = {
    "Jokic": "Jokić",
    "Doncic": "Dončić",
    "Vucevic": "Vučević",
    "Nurkic": "Nurkić",
    "Schroder": "Schröder",
}
_SUFFIXES = ("Jr.", "Jr.", "II", "III")


def draw_names(
    rng: np.random.Generator, league_used: np.ndarray, n: int
) -> tuple[list[str], list[str], np.ndarray]:
    """Unique ASCII names (sampled without replacement from the unused first x last pairs); a few carry a suffix,
    and the odds feeds then often spell that suffix differently or drop it."""
    total = len(_FIRST) * len(_LAST)
    pairs = np.arange(total)
    same = np.array([_FIRST[i // len(_LAST)] == _LAST[i % len(_LAST)] for i in pairs])  # no "Jordan Jordan"
    free = pairs[~same & ~np.isin(pairs, league_used)]
    if len(free) < n:
        raise ValueError("ran out of unique player names")
    picked = rng.choice(free, size=n, replace=False)
    has_suffix = rng.random(n) < 0.05
    suffix_idx = rng.integers(0, len(_SUFFIXES), n)
    variant = rng.random(n)
    names, odds_names = [], []
    for k, pair in enumerate(picked.tolist()):
        base = f"{_FIRST[pair // len(_LAST)]} {_LAST[pair % len(_LAST)]}"
        if not has_suffix[k]:
            names.append(base)
            odds_names.append(base)
            continue
        suffix = _SUFFIXES[suffix_idx[k]]
        names.append(f"{base} {suffix}")
        if variant[k] < 0.4:
            odds_names.append(base)
        elif suffix == "Jr." and variant[k] < 0.8:
            odds_names.append(f"{base} Jr")
        else:
            odds_names.append(f"{base} {suffix}")
    return names, odds_names, picked


def give_accents(
    rng: np.random.Generator, names: list[str], odds_names: list[str], candidates: np.ndarray, n: int
) -> None:
    """Rename ``n`` of ``candidates`` (in place) to a surname that some books spell with accents."""
    accent_keys = list(_ACCENTED)
    for k, p in enumerate(rng.choice(candidates, size=n, replace=False)):
        first = names[p].split(" ")[0]
        last = accent_keys[k % len(accent_keys)]
        names[p], odds_names[p] = f"{first} {last}", f"{first} {_ACCENTED[last]}"
