"""Matching engine benchmark: `uv run python -m bench.matching [--quick]`.

Every figure is printed beside a reference measured in the same run, with the ratio and
PASS/FAIL against its goal (issue 19 §4), because the machine may be loaded and absolute
seconds lie:

1. The engine, everyone in one territory (`--engine-size`, 10,000 x 10,000): `solve` with the
   default options (top-K flow) against the exact dense optimum (`solver="dense"`, scipy on
   every feasible pair) of the same problem. Goals: under 5 s, under 300 MB peak RSS, total
   >= 0.9999 of the exact optimum.
2. `matching.assign(scores)` against scipy called directly,
   `linear_sum_assignment(scores, maximize=True)`, on the same random float64 matrix
   (`--assign-size`). Goals: no slower, no more than 1.2 x scipy's peak memory.
3. Several territories (`--sizes`): the engine against a greedy baseline on the same
   candidates (informative).

Seconds are CPU seconds of the process (user + system, all threads: what a quiet machine
would spend, whatever else runs beside it), with the wall-clock seconds and the load average
beside them. Memory is the peak RSS of a fresh subprocess doing only that run
(`ru_maxrss`: Python, numpy, scipy, OR-Tools, the profiles, the matrices).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import replace

from bench.matching.generate import SECTORS, generate
from matching import SCALE, Options, Problem, solve
from matching.greedy import greedy_pairs
from matching.solve import candidate_pairs

SECONDS_GOAL = 5.0
MEMORY_GOAL_MB = 300.0
QUALITY_GOAL = 0.9999
ASSIGN_MEMORY_GOAL = 1.2


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _warm_up() -> None:
    """Load scipy and OR-Tools (the engine imports them on first use) before any timing."""
    mentees, mentors = generate(20, 20, 1)
    problem = Problem.build(mentees, mentors, SECTORS)
    solve(problem, Options(solver="dense"))
    solve(problem, Options(solver="flow"))


def run_engine(size: int, seed: int, solver: str, top_k: int, single: bool, greedy: bool) -> dict[str, object]:
    _warm_up()
    mentees, mentors = generate(size, size, seed, single_territory=single)
    options = Options(top_k=top_k)
    if solver != "auto":
        options = Options(solver=solver, top_k=top_k, dense_max_cells=10**12)  # type: ignore[arg-type]
    cpu, wall = _cpu(), time.perf_counter()
    problem = Problem.build(mentees, mentors, SECTORS)
    result = solve(problem, options)
    cpu, wall = _cpu() - cpu, time.perf_counter() - wall
    out: dict[str, object] = {
        "size": size,
        "territories": 1 if single else len({m.territory for m in mentees}),
        "solver": result.solver,
        "cpu": cpu,
        "wall": wall,
        "peak_rss_mb": _peak_mb(),
        "total": result.objective / SCALE,
        "matched": result.matched,
    }
    if greedy:
        # Greedy baseline on the same candidate pairs (each mentee's top K), by score.
        mentee, mentor, score, capacity = candidate_pairs(problem, replace(options, solver="flow"))
        chosen = greedy_pairs(problem.n, mentee, mentor, score, capacity)
        out["greedy_total"] = int(score[chosen].sum()) / SCALE
        out["greedy_matched"] = int(chosen.sum())
    return out


def _matrix(size: int, seed: int) -> object:
    import numpy as np

    return np.random.default_rng(seed).random((size, size))


def _call(which: str, scores: object) -> float:
    """One call of `which` on `scores`; returns the total of the matching it found."""
    import numpy as np

    s = np.asarray(scores)
    if which == "scipy":
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(s, maximize=True)
        return float(s[rows, cols].sum())
    from matching import assign

    pairs = assign(s)
    return float(sum(s[i, j] for i, j in pairs))


def run_assign(size: int, seed: int, which: str, repeat: int) -> dict[str, object]:
    """`which` = scipy, assign, or "both": alternate them `repeat` times in this process."""
    for name in ("scipy", "assign"):
        _call(name, _matrix(3, seed))  # imports outside the timing
    scores = _matrix(size, seed)
    order = [which] if which != "both" else ["scipy", "assign", "assign", "scipy"]
    times: dict[str, list[float]] = {"scipy": [], "assign": []}
    walls: dict[str, list[float]] = {"scipy": [], "assign": []}
    totals: dict[str, float] = {}
    for _ in range(repeat):
        for name in order:
            cpu, wall = _cpu(), time.perf_counter()
            totals[name] = _call(name, scores)
            times[name].append(_cpu() - cpu)
            walls[name].append(time.perf_counter() - wall)
    return {"times": times, "walls": walls, "totals": totals, "peak_rss_mb": _peak_mb()}


def in_subprocess(*args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.matching", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _row(figure: str, value: str, reference: str, ratio: str, goal: str, verdict: str) -> None:
    print(f"  {figure:<26} {value:>12} {reference:>12} {ratio:>9}  {goal:<28} {verdict}")


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f}"


def engine_section(size: int, seed: int, top_k: int) -> bool:
    engine = in_subprocess("--engine", str(size), "--seed", str(seed), "--top-k", str(top_k), "--single-territory")
    exact = in_subprocess("--engine", str(size), "--seed", str(seed), "--solver", "dense", "--single-territory")
    print(f"\n1. Engine, one territory, {size} x {size}: solve() ({engine['solver']}) vs the exact dense optimum")
    print(f"   ({_load()})")
    _row("figure", "engine", "exact dense", "ratio", "goal", "")
    cpu, wall, mb = (float(str(engine[k])) for k in ("cpu", "wall", "peak_rss_mb"))
    ref_cpu, ref_wall, ref_mb = (float(str(exact[k])) for k in ("cpu", "wall", "peak_rss_mb"))
    total, ref_total = float(str(engine["total"])), float(str(exact["total"]))
    quality = total / ref_total if ref_total else 1.0
    checks = [cpu < SECONDS_GOAL, mb < MEMORY_GOAL_MB, quality >= QUALITY_GOAL]
    _row(
        "seconds (CPU)",
        f"{cpu:.2f}",
        f"{ref_cpu:.2f}",
        f"{cpu / ref_cpu:.3f}",
        f"< {SECONDS_GOAL:g} s",
        _verdict(checks[0]),
    )
    _row("seconds (wall, loaded)", f"{wall:.2f}", f"{ref_wall:.2f}", f"{wall / ref_wall:.3f}", "", "")
    _row(
        "peak RSS MB",
        f"{mb:.0f}",
        f"{ref_mb:.0f}",
        f"{mb / ref_mb:.3f}",
        f"< {MEMORY_GOAL_MB:g} MB",
        _verdict(checks[1]),
    )
    _row(
        "total score",
        f"{total:.4f}",
        f"{ref_total:.4f}",
        f"{quality:.7f}",
        f">= {QUALITY_GOAL} of exact",
        _verdict(checks[2]),
    )
    _row("matched", f"{engine['matched']}", f"{exact['matched']}", "", "", "")
    return all(checks)


def assign_section(size: int, seed: int, repeat: int) -> bool:
    memory = {
        which: in_subprocess("--assign", str(size), "--seed", str(seed), "--which", which)
        for which in ("scipy", "assign")
    }
    timing = in_subprocess("--assign", str(size), "--seed", str(seed), "--which", "both", "--repeat", str(repeat))
    times = {k: [float(x) for x in v] for k, v in dict(timing["times"]).items()}  # type: ignore[call-overload]
    walls = {k: [float(x) for x in v] for k, v in dict(timing["walls"]).items()}  # type: ignore[call-overload]
    totals = dict(timing["totals"])  # type: ignore[call-overload]
    best = {k: min(v) for k, v in times.items()}
    # "No slower" is judged against scipy's own spread between repeats of the same call.
    spread = max(times["scipy"]) / min(times["scipy"])
    ratio = best["assign"] / best["scipy"]
    mb = {k: float(str(v["peak_rss_mb"])) for k, v in memory.items()}
    mem_ratio = mb["assign"] / mb["scipy"]
    same = abs(float(totals["assign"]) - float(totals["scipy"])) < 1e-6 * size
    print(f"\n2. assign() vs scipy linear_sum_assignment(maximize=True), same {size} x {size} float64 matrix")
    print(f"   ({2 * repeat} calls each, interleaved in one process; memory: one fresh process each; {_load()})")
    _row("figure", "assign", "scipy", "ratio", "goal", "")
    _row(
        "seconds (CPU, best)",
        f"{best['assign']:.2f}",
        f"{best['scipy']:.2f}",
        f"{ratio:.3f}",
        f"<= 1 (scipy spread {spread:.3f})",
        _verdict(ratio <= max(1.0, spread)),
    )
    _row("seconds (wall, best)", f"{min(walls['assign']):.2f}", f"{min(walls['scipy']):.2f}", "", "", "")
    _row(
        "peak RSS MB",
        f"{mb['assign']:.0f}",
        f"{mb['scipy']:.0f}",
        f"{mem_ratio:.3f}",
        f"<= {ASSIGN_MEMORY_GOAL}",
        _verdict(mem_ratio <= ASSIGN_MEMORY_GOAL),
    )
    _row("total", f"{float(totals['assign']):.4f}", f"{float(totals['scipy']):.4f}", "", "equal", _verdict(same))
    return ratio <= max(1.0, spread) and mem_ratio <= ASSIGN_MEMORY_GOAL and same


def territories_section(sizes: list[int], seed: int, top_k: int) -> None:
    print("\n3. Four territories: the engine vs a greedy baseline on the same top-K candidates (informative)")
    print(
        f"  {'size':>11} {'solver':>14} {'CPU s':>7} {'wall s':>7} {'RSS MB':>7} {'total':>10}"
        f" {'greedy':>10} {'ratio':>7} {'matched':>7} {'greedy':>7}"
    )
    for size in sizes:
        r = in_subprocess("--engine", str(size), "--seed", str(seed), "--top-k", str(top_k), "--greedy")
        total, greedy_total = float(str(r["total"])), float(str(r["greedy_total"]))
        print(
            f"  {size:>5}x{size:<5} {r['solver']:>14} {float(str(r['cpu'])):>7.2f} {float(str(r['wall'])):>7.2f}"
            f" {float(str(r['peak_rss_mb'])):>7.0f} {total:>10.2f} {greedy_total:>10.2f}"
            f" {greedy_total / total if total else 1.0:>7.3f} {r['matched']:>7} {r['greedy_matched']:>7}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.matching")
    parser.add_argument(
        "--engine-size", type=int, default=10_000, help="one-territory engine size (n = mentees = mentors)"
    )
    parser.add_argument("--assign-size", type=int, default=4000, help="assign() vs scipy matrix size, 0 to skip")
    parser.add_argument("--sizes", default="500,2000", help="four-territory sizes, comma-separated (empty to skip)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of interleaved assign/scipy calls")
    parser.add_argument("--quick", action="store_true", help="engine 2000, assign 1000, territories 500")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top-k", type=int, default=50)
    parser.add_argument("--engine", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--assign", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--which", default="both", help=argparse.SUPPRESS)
    parser.add_argument("--solver", default="auto", help=argparse.SUPPRESS)
    parser.add_argument("--single-territory", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--greedy", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        print(
            json.dumps(run_engine(args.engine, args.seed, args.solver, args.top_k, args.single_territory, args.greedy))
        )
        return
    if args.assign:
        print(json.dumps(run_assign(args.assign, args.seed, args.which, args.repeat)))
        return
    if args.quick:
        args.engine_size, args.assign_size, args.sizes = 2000, 1000, "500"
    passed = True
    if args.engine_size:
        passed &= engine_section(args.engine_size, args.seed, args.top_k)
    if args.assign_size:
        passed &= assign_section(args.assign_size, args.seed, args.repeat)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if sizes:
        territories_section(sizes, args.seed, args.top_k)
    print(f"\nmatching bench: {'every goal met' if passed else 'some goal missed (FAIL above)'}")
    if not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
