"""Cell values for many agencies at once, one year after another (numpy, vectorised).

One code path serves both the rendered demo reports (a few hundred agencies) and the warehouse
scale benchmark (a million reports): ``YearlyValues`` keeps each agency's profile and the state
that carries over between years (上年结转, stocks of documents, item counts) and ``draw`` returns
one year's values for every agency as ``{canonical key: ndarray}``.

Every table 三 cell is *built* so that R1–R4 hold: applications are split over applicant columns,
a share stays pending (结转下年度), the rest is split over result rows, and every 总计 is the sum of
its parts. Continuity W1 holds by construction: this year's 上年结转 is last year's 结转下年度.

Calibration — pooled from the hand-checked truth files in ../shared/corpus/truth (the nine
2021-format reports; 4,313 new applications in all):
- result mix (share of handled applications): 予以公开 43 %, 本机关不掌握 24 %, 部分公开 15 %,
  其他处理·其他 6 %, 行政查询事项 2.8 %, 逾期不补正 2.3 %, 信访举报投诉 1.8 %, 重复申请 0.8 %,
  the other refusal reasons 0.1–0.7 % each — used as the Dirichlet mean of each agency's mix.
- applicants: 自然人 96.8 %; of the legal persons 法律服务机构 and 商业企业 dominate (66/62 of
  138), 其他 8, 社会公益组织 2, 科研机构 0.
- 结转下年度: 3.2 % of (new + carried over); the small reports carry nothing over.
- 行政复议 ≈ 10.6 % of new applications (457/4,313), of which 维持 30 %, 纠正 18 %, 其他 43 %,
  未审结 12 %; 直接起诉 ≈ 1.2 % (维持 68 %); 复议后起诉 ≈ 0.9 % (维持 ≈ 80 %).
- growth: 平潭综合实验区 23 → 70 → 81 → 154 new applications (2019 → 2025), 洪泽区 21 → 95 in one
  year: sizes drift by a log-normal factor, median +12 %/year, σ 0.25.
- table 二: 行政许可/处罚 decisions span 0 (a 发改局) to 447,228/3,985,758 (淮安市政府); fees 0 to
  96,171.6 万元; 现行有效规范性文件 5–665; 2019: 行政许可 items 396, 处罚 items 2,648, 采购
  75,394,432.52 元 (平潭 2019) — log-normal by level × category enforcement weight.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..spec import F2019, F2021, cell_keys, t3_rows
from ..spec.tables import T3_PART_COLUMNS, T4_GROUPS, T4_PART_RESULTS
from .province import Agency

# The 2021 result rows, in spec order, with their calibrated mean share (see module docstring).
_RESULT_MEAN_2021 = {
    "t3.result.grant": 0.4304,
    "t3.result.partial": 0.1487,
    "t3.result.deny.state_secret": 0.0010,
    "t3.result.deny.law_prohibited": 0.0073,
    "t3.result.deny.security_stability": 0.0019,
    "t3.result.deny.third_party_rights": 0.0030,
    "t3.result.deny.internal_affairs": 0.0061,
    "t3.result.deny.process_info": 0.0047,
    "t3.result.deny.enforcement_file": 0.0059,
    "t3.result.deny.admin_inquiry": 0.0283,
    "t3.result.unable.not_held": 0.2430,
    "t3.result.unable.needs_creation": 0.0061,
    "t3.result.unable.still_unclear": 0.0030,
    "t3.result.not_processed.petition": 0.0184,
    "t3.result.not_processed.duplicate": 0.0078,
    "t3.result.not_processed.publication": 0.0010,
    "t3.result.not_processed.excessive": 0.0010,
    "t3.result.not_processed.confirm_reissue": 0.0010,
    "t3.result.other.no_correction": 0.0233,
    "t3.result.other.fee_unpaid": 0.0035,
    "t3.result.other.other": 0.0613,
}
RESULT_ROWS_2021 = tuple(r.code for r in t3_rows(F2021) if r.code in _RESULT_MEAN_2021)
assert len(RESULT_ROWS_2021) == len(_RESULT_MEAN_2021), "spec result rows changed"
RESULT_ROWS_2019 = tuple(r.code for r in t3_rows(F2019) if r.code.startswith("t3.result.") and
                         r.code != "t3.result.total")
_OTHER_2021 = tuple(r for r in RESULT_ROWS_2021 if r.startswith("t3.result.other."))

APPLICANT_COLUMNS = T3_PART_COLUMNS  # natural_person + the five legal columns (R3 parts)
# Mean share of each legal-person column among legal applicants (commercial, research,
# public interest, legal service, other) — corpus: 62 / 0 / 2 / 66 / 8.
_LEGAL_MEAN = np.array([0.44, 0.02, 0.03, 0.43, 0.08])

# Table 四 result mixes (upheld, corrected, other, pending), pooled from the corpus.
_T4_MIX = {
    "review": np.array([0.30, 0.18, 0.40, 0.12]),
    "lit_direct": np.array([0.66, 0.13, 0.16, 0.05]),
    "lit_after_review": np.array([0.78, 0.05, 0.10, 0.07]),
}

# Table 二 scale by level (median counts before the category weight); see docstring.
_LICENSE_SCALE = {"province": 60000.0, "city": 30000.0, "county": 6000.0, "devzone": 1500.0, "township": 40.0}
_NORMATIVE_RATE = {"province": 30.0, "city": 12.0, "county": 6.0, "devzone": 4.0, "township": 0.3}
_FEE_SCALE = {"province": 20000.0, "city": 8000.0, "county": 3000.0, "devzone": 1500.0, "township": 0.0}
_LEVEL_CODES = ("province", "city", "county", "township", "devzone")


def _by_level(table: dict[str, float], levels: np.ndarray) -> np.ndarray:
    return np.array([table[lv] for lv in _LEVEL_CODES])[levels]


class YearlyValues:
    """Profiles and carried-over state of ``n`` agencies; ``draw(year, fmt)`` advances one year.

    Agencies are given as arrays so the same class runs for 7 or 150,000 of them: ``size``
    (expected new applications in the first year), ``level`` (index into LEVELS codes),
    ``enforcement`` (table 二 weight), ``is_government`` and ``has_regulation`` (only province
    and city governments make 规章).
    """

    def __init__(self, size: np.ndarray, level: np.ndarray, enforcement: np.ndarray,
                 is_government: np.ndarray, has_regulation: np.ndarray, rng: np.random.Generator):
        n = len(size)
        self.n, self.rng = n, rng
        self.size = np.asarray(size, dtype=float).copy()
        self.level = np.asarray(level)
        self.enforcement = np.asarray(enforcement, dtype=float)
        self.is_government = np.asarray(is_government, dtype=bool)
        self.has_regulation = np.asarray(has_regulation, dtype=bool)
        # --- fixed per-agency profile
        self.natural_share = rng.beta(40.0, 1.3, n)
        self.legal_mix = rng.dirichlet(_LEGAL_MEAN * 6.0, n)
        mean = np.array([_RESULT_MEAN_2021[r] for r in RESULT_ROWS_2021])
        self.result_mix = rng.dirichlet(mean * 60.0, n)
        # Small agencies rarely have anything pending at year end; big ones ~3 %.
        self.pending_rate = rng.beta(1.0, 30.0, n) * (self.size > 15)
        self.review_rate = rng.gamma(2.0, 0.05, n)
        self.lit_rate = rng.gamma(1.5, 0.008, n)
        self.lit_after_share = rng.beta(2.0, 23.0, n)
        self.t4_mix = {g: rng.dirichlet(m * 20.0, n) for g, m in _T4_MIX.items()}
        self.license_scale = _by_level(_LICENSE_SCALE, self.level) * self.enforcement * rng.lognormal(0, 1.0, n)
        self.fee_scale = (_by_level(_FEE_SCALE, self.level) * self.is_government * rng.lognormal(0, 1.0, n))
        self.normative_rate = _by_level(_NORMATIVE_RATE, self.level) * np.where(self.is_government, 1.0, 0.3)
        # --- state carried between years
        self.carry = self._initial_carry()
        self.reg_stock = np.where(self.has_regulation, rng.poisson(np.where(self.level == 0, 80, 12)), 0)
        self.doc_stock = rng.poisson(self.normative_rate * 6.0)
        self.items = {  # 2019 format 上一年项目数量 (licence, other service, penalty, coercion, fee)
            "admin_license": rng.poisson(self.enforcement * 200.0),
            "other_mgmt_service": rng.poisson(self.enforcement * 10.0),
            "admin_penalty": rng.poisson(self.enforcement * 1500.0),
            "admin_coercion": rng.poisson(self.enforcement * 60.0),
            "admin_fee": rng.poisson(self.enforcement * 20.0),
        }
        self.first_year = True

    def _initial_carry(self) -> np.ndarray:
        """上年结转 of the first generated year: a small pending share of a year's load."""
        lam = self.size * self.pending_rate
        total = self.rng.poisson(lam)
        return self._split_applicants(total)

    def _split_applicants(self, total: np.ndarray) -> np.ndarray:
        p = np.concatenate([self.natural_share[:, None], (1 - self.natural_share)[:, None] * self.legal_mix], axis=1)
        return self.rng.multinomial(total, p)

    # ------------------------------------------------------------------ one year
    def draw(self, year: int, fmt: str) -> dict[str, np.ndarray]:
        rng = self.rng
        if not self.first_year:
            self.size = self.size * rng.lognormal(0.12, 0.25, self.n)
        self.first_year = False
        out: dict[str, np.ndarray] = {}
        # ---- table 三
        new_total = rng.poisson(self.size)
        new = self._split_applicants(new_total)  # (n, 6)
        carried = self.carry
        available = new + carried
        carry_forward = rng.binomial(available, self.pending_rate[:, None])
        handled = available - carry_forward
        results = rng.multinomial(handled, self.result_mix[:, None, :])  # (n, 6, R)
        if fmt == F2019:
            other_idx = [RESULT_ROWS_2021.index(r) for r in _OTHER_2021]
            keep_idx = [i for i, r in enumerate(RESULT_ROWS_2021) if r not in _OTHER_2021]
            other = results[:, :, other_idx].sum(axis=2, keepdims=True)
            results = np.concatenate([results[:, :, keep_idx], other], axis=2)
            # 2019 row order: the other rows in spec order, then （六）其他处理
            rows = [RESULT_ROWS_2021[i] for i in keep_idx] + ["t3.result.other"]
            order = [rows.index(r) for r in RESULT_ROWS_2019]
            results, rows = results[:, :, order], list(RESULT_ROWS_2019)
        else:
            rows = list(RESULT_ROWS_2021)
        blocks = {"t3.new_received": new, "t3.carried_over": carried}
        for i, r in enumerate(rows):
            blocks[r] = results[:, :, i]
        blocks["t3.result.total"] = handled
        blocks["t3.carry_forward"] = carry_forward
        for row, arr in blocks.items():
            for j, col in enumerate(APPLICANT_COLUMNS):
                out[f"{row}.{col}"] = arr[:, j]
            out[f"{row}.total"] = arr.sum(axis=1)
        self.carry = carry_forward
        # ---- table 四
        reviews = rng.poisson(new_total * self.review_rate)
        lit = {
            "review": reviews,
            "lit_direct": rng.poisson(new_total * self.lit_rate),
            "lit_after_review": rng.binomial(reviews, self.lit_after_share),
        }
        for g in T4_GROUPS:
            parts = rng.multinomial(lit[g.code], self.t4_mix[g.code])
            for j, res in enumerate(T4_PART_RESULTS):
                out[f"t4.{g.code}.{res}"] = parts[:, j]
            out[f"t4.{g.code}.total"] = parts.sum(axis=1)
        # ---- table 二
        out.update(self._t2_2019() if fmt == F2019 else self._t2_2021())
        keys = cell_keys(fmt)
        assert set(out) == set(keys), sorted(set(keys) ^ set(out))
        return {k: out[k] for k in keys}

    def _decisions(self, scale: np.ndarray) -> np.ndarray:
        # Many line departments decide nothing at all; the rest are heavy-tailed.
        active = self.rng.random(self.n) < np.clip(self.enforcement, 0.05, 0.95)
        return np.where(active, self.rng.poisson(scale * self.rng.lognormal(0, 0.3, self.n)), 0)

    def _docs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        rng = self.rng
        reg_issued = np.where(self.has_regulation, rng.poisson(1.0, self.n), 0)
        reg_repealed = rng.binomial(self.reg_stock, 0.03)
        doc_issued = rng.poisson(self.normative_rate)
        # Occasional clean-up campaigns repeal a large share (平潭 2023: 132 repealed of ~500).
        cleanup = rng.random(self.n) < 0.08
        doc_repealed = rng.binomial(self.doc_stock, np.where(cleanup, 0.25, 0.04))
        return reg_issued, reg_repealed, doc_issued, doc_repealed

    def _t2_2021(self) -> dict[str, np.ndarray]:
        rng = self.rng
        reg_issued, reg_repealed, doc_issued, doc_repealed = self._docs()
        self.reg_stock = self.reg_stock + reg_issued - reg_repealed
        self.doc_stock = self.doc_stock + doc_issued - doc_repealed
        fee = np.where(rng.random(self.n) < 0.8, self.fee_scale * rng.lognormal(0, 0.2, self.n), 0.0)
        lic = self._decisions(self.license_scale)
        pen = self._decisions(self.license_scale * 1.5)
        return {
            "t2.art20_1.regulation.issued": reg_issued,
            "t2.art20_1.regulation.repealed": reg_repealed,
            "t2.art20_1.regulation.in_force": self.reg_stock,
            "t2.art20_1.normative_doc.issued": doc_issued,
            "t2.art20_1.normative_doc.repealed": doc_repealed,
            "t2.art20_1.normative_doc.in_force": self.doc_stock,
            "t2.art20_5.admin_license.decisions": lic,
            "t2.art20_6.admin_penalty.decisions": pen,
            "t2.art20_6.admin_coercion.decisions": rng.binomial(pen, 0.03),
            # 万元, printed with 0–4 decimals (the format asks for 保留4位小数; many print fewer)
            "t2.art20_8.admin_fee.fee_amount": _round_per_row(fee, rng.integers(0, 5, self.n)),
        }

    def _t2_2019(self) -> dict[str, np.ndarray]:
        rng = self.rng
        reg_issued, _, doc_issued, _ = self._docs()
        self.reg_stock = self.reg_stock + reg_issued
        self.doc_stock = self.doc_stock + doc_issued
        out = {
            "t2.art20_1.regulation.new_made": reg_issued,
            "t2.art20_1.regulation.new_published": reg_issued,
            "t2.art20_1.regulation.total_published": self.reg_stock,
            "t2.art20_1.normative_doc.new_made": doc_issued,
            "t2.art20_1.normative_doc.new_published": doc_issued - rng.binomial(doc_issued, 0.05),
            "t2.art20_1.normative_doc.total_published": self.doc_stock,
        }
        scales = {"admin_license": self.license_scale, "other_mgmt_service": self.license_scale * 0.05,
                  "admin_penalty": self.license_scale * 1.5, "admin_coercion": self.license_scale * 0.04}
        for row, items in self.items.items():
            sub = "art20_5" if row in ("admin_license", "other_mgmt_service") else (
                "art20_6" if row in ("admin_penalty", "admin_coercion") else "art20_8")
            # Item lists change rarely; when they do, by a few (W3: prev + change = next prev).
            change = np.where(rng.random(self.n) < 0.25, rng.integers(-8, 9, self.n), 0)
            change = np.maximum(change, -items)
            out[f"t2.{sub}.{row}.prev_year_items"] = items
            out[f"t2.{sub}.{row}.change"] = change
            if row != "admin_fee":
                out[f"t2.{sub}.{row}.decisions"] = self._decisions(scales[row])
            self.items[row] = items + change
        projects = rng.poisson(np.where(self.is_government, 40.0, 5.0) * self.enforcement + 1)
        amount = projects * rng.lognormal(np.log(3e5), 0.8, self.n)
        out["t2.art20_9.central_procurement.project_count"] = projects
        out["t2.art20_9.central_procurement.total_amount"] = np.round(amount, 2)
        return out


def _round_per_row(x: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    scale = 10.0 ** decimals
    return np.round(x * scale) / scale


def level_index(levels: Sequence[str]) -> np.ndarray:
    return np.array([_LEVEL_CODES.index(lv) for lv in levels])


def from_agencies(agencies: Sequence[Agency], rng: np.random.Generator) -> YearlyValues:
    return YearlyValues(
        size=np.array([a.size for a in agencies]),
        level=level_index([a.level for a in agencies]),
        enforcement=np.array([a.enforcement for a in agencies]),
        is_government=np.array([a.category == "government" for a in agencies]),
        has_regulation=np.array([a.category == "government" and a.level in ("province", "city") for a in agencies]),
        rng=rng,
    )
