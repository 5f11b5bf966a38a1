"""The rapidfuzz bound in label matching only skips pairs that could not match.

``score_label`` keeps difflib's SequenceMatcher ratio as the definition of a fuzzy match and asks
rapidfuzz first whether the ratio can reach the threshold at all. If the bound ever rejected a pair
SequenceMatcher accepts, labels would stop matching; this checks it on every spec label against
perturbed forms of every other one (dropped, doubled, swapped and replaced characters)."""

from __future__ import annotations

import random
from difflib import SequenceMatcher

from loaders.parse.labels import _may_reach, label_index, score_label
from loaders.parse.settings import ParseSettings
from loaders.spec.tables import TABLES


def _perturb(s: str, alphabet: str, rng: random.Random) -> str:
    chars = list(s)
    for _ in range(rng.randint(1, 4)):
        if not chars:
            break
        i = rng.randrange(len(chars))
        op = rng.choice("drsx")
        if op == "d":
            del chars[i]
        elif op == "r":
            chars[i] = rng.choice(alphabet)
        elif op == "s" and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars.insert(i, chars[i])
    return "".join(chars)


def test_bound_never_rejects_a_pair_sequence_matcher_accepts():
    rng = random.Random(20261202)
    settings = ParseSettings()
    checked = accepted = 0
    for fmt in TABLES:
        index = label_index(fmt)
        forms = [f for r in index.rows for f in r.forms] + [f for m in index.markers for f in m.forms]
        alphabet = "".join(sorted(set("".join(forms))))
        for f in forms:
            for _ in range(8):
                g = _perturb(f, alphabet, rng)
                if not g:
                    continue
                r = SequenceMatcher(None, g, f, autojunk=False).ratio()
                checked += 1
                if r >= settings.label_ratio:
                    accepted += 1
                    assert _may_reach(g, f, settings.label_ratio), (g, f, r)
    assert checked > 1000 and accepted > 100  # the check saw both sides of the threshold


def test_score_label_is_sequence_matcher_where_no_label_contains_the_other():
    settings = ParseSettings()
    # "依申请公开" row label with two characters changed: fuzzy, not contained either way.
    spec_form = "本年新收政府信息公开申请数量"
    source = "本年新受政府信息公开申情数量"
    expected = SequenceMatcher(None, source, spec_form, autojunk=False).ratio()
    assert expected >= settings.label_ratio
    assert score_label(source, (spec_form,), settings) == expected
    assert score_label("完全无关的一段文字内容", (spec_form,), settings) == 0.0
