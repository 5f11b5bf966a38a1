"""A gazetteer of China's provinces, prefecture-level cities and counties, and region-name parsing.

The names and codes come from the `cpca` package's adcode table (国家统计局区划代码: a code
``PPCCXX…`` nests county in city in province), read as data — cpca is the well-kept Chinese
province/city/area recogniser; we use its table, not its free-text guesser, because an agency
name is parsed token by token here. Development zones are not in the table; a zone name is
recognised as <a known place> + <a zone kind from spec.agencies.DEVZONE_KINDS>.
"""

from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..spec.agencies import DEVZONE_KINDS, DEVZONE_QUALIFIERS, REGION_NAME_SUFFIXES

_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Place:
    code: str  # 6-digit division code
    name: str  # full name, e.g. 淮安市
    kind: str  # province | city | county

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str | None:
        return None if self.kind == "province" else self.code[:4] + "00"


@dataclass(frozen=True)
class Token:
    """One place name read out of an agency name or a text."""

    text: str  # as printed, e.g. 三门峡经济开发区
    kind: str  # province | city | county | devzone | township
    places: tuple[Place, ...]  # gazetteer entries it can be (a zone: the place it is named after)


def _adcode_file() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cpca package (行政区划代码表) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def short_name(name: str) -> str:
    """淮安市 → 淮安, 广西壮族自治区 → 广西, 沭阳县 → 沭阳 (kept whole when that leaves < 2 chars)."""
    for suf in REGION_NAME_SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


class Gazetteer:
    def __init__(self, places: list[Place]) -> None:
        self.by_code = {p.code: p for p in places}
        self.by_name: dict[str, list[Place]] = {}
        self.by_short: dict[str, list[Place]] = {}
        for p in places:
            self.by_name.setdefault(p.name, []).append(p)
            s = short_name(p.name)
            if s != p.name:
                self.by_short.setdefault(s, []).append(p)
        self.max_len = max((len(n) for n in self.by_name), default=0)

    def province_of(self, place: Place) -> Place | None:
        return self.by_code.get(place.province_code)

    def city_of(self, place: Place) -> Place | None:
        if place.kind != "county":
            return None
        return self.by_code.get(place.city_code or "")

    def token_ending_at(self, text: str, end: int) -> Token | None:
        """The longest place token that ends exactly at ``end`` in ``text``."""
        best: Token | None = None
        for start in range(max(0, end - 16), end - 1):
            t = self.read_token(text[start:end])
            if t is not None:
                best = t
                break  # the loop runs from the longest span down
        return best

    def read_token(self, s: str) -> Token | None:
        """A whole string as one place name, or None."""
        if s in self.by_name:
            places = tuple(self.by_name[s])
            return Token(s, places[0].kind, places)
        for kind in DEVZONE_KINDS:
            if s.endswith(kind) and len(s) > len(kind):
                base = s[: -len(kind)]
                places = self._base_places(base)
                if places:
                    return Token(s, "devzone", places)
        return None

    def _base_places(self, base: str) -> tuple[Place, ...]:
        """The places a zone's base name can refer to: 三门峡经济 → 三门峡市 (qualifiers dropped)."""
        for q in DEVZONE_QUALIFIERS:
            if base.endswith(q) and len(base) > len(q):
                base = base[: -len(q)]
                break
        if base in self.by_name:
            return tuple(self.by_name[base])
        return tuple(self.by_short.get(base, ()))

    def parse_chain(self, text: str) -> list[Token]:
        """The run of place tokens at the *end* of ``text`` (read backwards), in reading order.

        "…由淮安市洪泽区" → [淮安市, 洪泽区]; stops at the first character that starts no token.
        """
        tokens: list[Token] = []
        end = len(text)
        while end > 1:
            t = self.token_ending_at(text, end)
            if t is None:
                break
            tokens.insert(0, t)
            end -= len(t.text)
        return tokens


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    places: list[Place] = []
    with _adcode_file().open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code12, name = row["adcode"], row["name"].strip()
            if name in _PLACEHOLDERS or not name:
                continue
            code = code12[:6]
            kind = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
            places.append(Place(code, name, kind))
    return Gazetteer(places)
