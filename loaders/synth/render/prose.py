"""The report's prose: preamble, the text of sections 一..六 and the closing demo notice.

The figures the prose states (共收到政府信息公开申请N件, 行政复议X件 …) come from the record's
``narrative``, which equals table 三/四 unless a W4 defect was injected. Wording varies between
reports (deterministically, from the report id) the way real reports vary.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from ..province import DEMO_MARK
from ..records import ReportRecord

_OPENINGS = (
    "{y}年，{who}认真贯彻落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，"
    "坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。",
    "{y}年，在上级政务公开主管部门的指导下，{who}深入贯彻落实政府信息公开各项制度，"
    "围绕中心工作，持续加强政策解读和回应关切，政府信息公开工作取得新成效。",
    "{y}年，{who}以提升政务公开质量为目标，健全工作机制，规范公开流程，"
    "依法依规做好主动公开和依申请公开工作。",
)
_PROBLEMS = (
    "存在的主要问题：一是政策解读形式不够丰富；二是政务公开工作人员多为兼职，业务能力有待提升。",
    "存在的主要问题：部分栏目更新不够及时，依申请公开答复的规范化水平仍需提高。",
)
_IMPROVEMENTS = (
    "改进情况：下一步将加强业务培训，丰富解读形式，规范依申请公开办理流程，提升政务公开质效。",
    "改进情况：将进一步健全信息发布审核机制，加强栏目日常巡查，做好依申请公开答复工作。",
)


@dataclass
class Prose:
    preamble: list[str]
    sections: dict[str, list[str]] = field(default_factory=dict)
    closing: list[str] = field(default_factory=list)
    missing_table_note: str = "本部分情况另行公布。"


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _n(v: float | int | None) -> str:
    return "0" if v is None else str(int(v))


def _date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def prose_for(rec: ReportRecord) -> Prose:
    rng = np.random.default_rng(zlib.crc32(rec.report_id.encode()))
    y, who = rec.year, rec.short_name if rng.random() < 0.4 else rec.agency
    nar = rec.narrative
    # The prose states the agency's real figures; a cell the table leaves blank does not blank the prose.
    v = {k: (x if x is not None else rec.clean_values[k]) for k, x in rec.values.items()}
    preamble = [
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。"
        f"本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
        f"本报告为示例数据，由程序生成，所涉机关名称均为虚构，不对应任何真实机关。"
    ]
    published = int(rng.integers(20, 3000))
    s1 = [
        _pick(rng, _OPENINGS).format(y=y, who=who),
        f"（一）主动公开。全年通过政府网站主动公开政府信息{published}条，"
        f"及时公开机构职能、政策文件、财政预决算等信息。",
        f"（二）依申请公开。{y}年，共收到政府信息公开申请{_n(nar['applications_received'])}件，"
        f"上年结转{_n(v['t3.carried_over.total'])}件，"
        f"已办结{_n(v['t3.result.total.total'])}件，结转下年度继续办理{_n(v['t3.carry_forward.total'])}件。"
        f"全年发生政府信息公开行政复议{_n(nar['reviews'])}件、行政诉讼{_n(nar['litigations'])}件。",
        "（三）政府信息管理。严格落实公开前保密审查制度，动态调整主动公开基本目录。",
        "（四）平台建设。加强政府网站和政务新媒体管理，确保平台安全平稳运行。",
        "（五）监督保障。将政务公开工作纳入年度考核，定期开展自查整改。",
    ]
    fee = int(rng.integers(1, 500)) if rng.random() < 0.1 else 0
    s6 = [
        ("本年度未收取信息处理费。" if not fee else f"本年度收取信息处理费{fee}元。")
        + "按照国办函〔2020〕109号规定执行。",
        f"{y}年，按要求办理人大代表建议和政协提案，并公开办理结果。",
    ]
    return Prose(
        preamble=preamble,
        sections={
            "s1": s1,
            "s5": [_pick(rng, _PROBLEMS), _pick(rng, _IMPROVEMENTS)],
            "s6": s6,
        },
        closing=[f"{rec.agency}{DEMO_MARK}", _date(rec.publish_date or rec.deadline)],
    )
