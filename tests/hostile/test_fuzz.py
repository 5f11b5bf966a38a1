"""The bounded fuzz pass: a fixed seed, a few hundred mutated reports across every format, each read and
parsed in a child under a time and memory limit. Every outcome must be clean — parsed, or a typed
LoaderError naming the file — never another exception, a hang or a memory blow-up."""

from __future__ import annotations

from click.testing import CliRunner

from loaders import fuzz
from loaders.cli import cli

N = 250


def test_a_few_hundred_mutations_of_every_format_end_cleanly():
    s = fuzz.run(N, seed=16, workers=2, seconds=60, memory_mb=1536)
    assert s.tried == N
    assert s.findings == [], "\n".join(map(str, s.findings))
    assert s.clean
    assert set(s.by_format) == set(fuzz.FORMATS)
    # the mutations reach both outcomes: some files survive, some are refused with a reason
    assert s.counts["parsed"] > 0 and s.counts["clean_error"] > 0


def test_the_same_seed_gives_the_same_files():
    a = [(c.name, c.data) for c in fuzz.cases(15, seed=3)]
    assert a == [(c.name, c.data) for c in fuzz.cases(15, seed=3)]
    assert a != [(c.name, c.data) for c in fuzz.cases(15, seed=4)]


def test_a_crash_is_reported_as_one():
    # the classifier itself: a case whose parse raises something else than a LoaderError is a crash
    case = fuzz.Case(0, "x.txt", b"\x00" * 10, "none")
    outcome, _ = fuzz.try_case(case)
    assert outcome in fuzz.CLEAN  # binary garbage is refused cleanly …
    outcome, detail = fuzz.try_case(fuzz.Case(1, "y.txt", None, "none"))  # type: ignore[arg-type]
    assert outcome == "crash" and "TypeError" in detail  # … a bytes-less case is a harness-visible crash


def test_the_command_prints_the_summary():
    r = CliRunner().invoke(cli, ["fuzz", "--n", "10", "--workers", "2", "--time-limit", "60"])
    assert r.exit_code == 0, r.output
    for label in ("文件 10 个", "解析成功", "明确错误", "崩溃: 0", "超时（挂起）: 0", "内存超限: 0"):
        assert label in r.output
