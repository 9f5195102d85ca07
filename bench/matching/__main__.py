"""Matching engine benchmark: `uv run python -m bench.matching [--sizes 500,2000] [--quick]`.

Each size runs in a fresh subprocess so that its peak RSS (ru_maxrss, whole process,
including Python, numpy, OR-Tools and the in-memory profiles) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import replace

from bench.matching.generate import SECTORS, generate
from matching import SCALE, Options, Problem, solve
from matching.greedy import greedy_pairs
from matching.solve import candidate_pairs


def run_one(size: int, seed: int, solver: str, top_k: int, single: bool = False) -> dict[str, object]:
    mentees, mentors = generate(size, size, seed, single_territory=single)
    options = Options(solver=solver, top_k=top_k, dense_max_cells=10**12)  # type: ignore[arg-type]
    if solver == "auto":
        options = Options(top_k=top_k)
    start = time.perf_counter()
    problem = Problem.build(mentees, mentors, SECTORS)
    result = solve(problem, options)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Greedy baseline on the same candidate pairs (each mentee's top-K), by score.
    mentee, mentor, score, capacity = candidate_pairs(problem, replace(options, solver="flow"))
    chosen = greedy_pairs(problem.n, mentee, mentor, score, capacity)
    return {
        "size": size,
        "territories": 1 if single else len({m.territory for m in mentees}),
        "solver": result.solver,
        "seconds": seconds,
        "peak_rss_mb": peak_mb,
        "total": result.objective / SCALE,
        "matched": result.matched,
        "unmatched": size - result.matched,
        "greedy_total": int(score[chosen].sum()) / SCALE,
        "greedy_unmatched": size - int(chosen.sum()),
    }


def in_subprocess(size: int, seed: int, solver: str, top_k: int = 50, single: bool = False) -> dict[str, object]:
    command = ["--one", str(size), "--seed", str(seed), "--solver", solver, "--top-k", str(top_k)]
    command += ["--single-territory"] if single else []
    out = subprocess.run(
        [sys.executable, "-m", "bench.matching", *command],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.matching")
    parser.add_argument("--sizes", default="500,2000,10000", help="comma-separated n (= mentees = mentors)")
    parser.add_argument("--quality-size", type=int, default=5000, help="size of the top-K vs dense check, 0 to skip")
    parser.add_argument("--quick", action="store_true", help="sizes 500,2000 and quality check at 1000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top-k", default="50", help="K of the flow solver; a comma list compares several")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--solver", default="auto", help=argparse.SUPPRESS)
    parser.add_argument(
        "--single-territory",
        action="store_true",
        help="everyone in one territory (default: also measure the largest size this way)",
    )
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.seed, args.solver, int(args.top_k), args.single_territory)))
        return
    sizes = [500, 2000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    quality = 1000 if args.quick else args.quality_size
    ks = [int(k) for k in str(args.top_k).split(",")]
    header = (
        f"{'size':>11} {'terr.':>5} {'solver':>14} {'seconds':>8} {'peak RSS MB':>11} {'total':>10} {'matched':>7}"
        f" {'unmatched':>9} {'greedy total':>12} {'greedy unm.':>11}"
    )
    print(header)
    runs = [(size, args.single_territory) for size in sizes]
    if not args.quick and not args.single_territory and sizes:
        runs.append((max(sizes), True))  # the hardest case: one territory, one block of n x n
    for size, single in runs:
        r = in_subprocess(size, args.seed, "auto", ks[-1], single)
        print(
            f"{size:>5}x{size:<5} {r['territories']:>5} {r['solver']:>14} {r['seconds']:>8.2f}"
            f" {r['peak_rss_mb']:>11.0f} {r['total']:>10.2f}"
            f" {r['matched']:>7} {r['unmatched']:>9} {r['greedy_total']:>12.2f} {r['greedy_unmatched']:>11}"
        )
    if quality:
        dense = in_subprocess(quality, args.seed, "dense")
        print(
            f"exact dense optimum at {quality}x{quality}: total {dense['total']:.4f}, {dense['matched']} matched,"
            f" {dense['seconds']:.2f} s, peak RSS {dense['peak_rss_mb']:.0f} MB"
        )
        for k in ks:
            flow = in_subprocess(quality, args.seed, "flow", k)
            ratio = float(str(flow["total"])) / float(str(dense["total"]))
            print(
                f"  top-K flow, K={k:<3}: total {flow['total']:.4f}, {flow['matched']} matched,"
                f" {flow['seconds']:.2f} s: ratio to dense {ratio:.6f}"
            )


if __name__ == "__main__":
    main()
