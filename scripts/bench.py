"""Benchmark: build time, cold start, per-question latency, throughput, memory, naive baseline, scale.

Usage: .venv/bin/python scripts/bench.py [--sizes 1000,10000,100000] [--quick] [--write-docs]
(`make bench` runs it with --write-docs). Figures are printed; with --write-docs they also go to
docs/benchmarks.md and docs/bench_scale.png. Every figure is measured in this run on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "eval" / "dev.jsonl"
OWN_SET = ROOT / "tests" / "data" / "questions.jsonl"
POLICYBOT = Path(sys.executable).parent / "policybot"


def questions() -> list[str]:
    path = DEV_SET if DEV_SET.exists() else OWN_SET
    return [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). ru_maxrss would include the parent's peak, which
    Linux carries over into a child at fork."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def timed(func, items, rounds: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(rounds):
        for item in items:
            t = time.perf_counter()
            func(item)
            out.append((time.perf_counter() - t) * 1000)
    return out


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


# ------------------------------------------------------------------------------------------------
# the parts


def cold_start(index_dir: Path, data_dir: Path, runs: int = 3) -> dict[str, float]:
    """Process start → first answer line on stdout, for `policybot ask`; peak RSS of that process."""
    env = {**os.environ, "POLICYBOT_INDEX_DIR": str(index_dir), "POLICYBOT_DATA_DIR": str(data_dir),
           "POLICYBOT_LOG_LEVEL": "WARNING"}
    times, rss = [], []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen([str(POLICYBOT), "ask", "--json", "大班额比例是多少"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
        line = proc.stdout.readline()  # type: ignore[union-attr]
        times.append(time.perf_counter() - started)
        try:  # the child's own high-water mark, read before it exits
            status = Path(f"/proc/{proc.pid}/status").read_text()
            rss.append(next(int(x.split()[1]) / 1024 for x in status.splitlines() if x.startswith("VmHWM:")))
        except (OSError, StopIteration):
            pass
        proc.wait()
        assert json.loads(line)["found"], "cold-start answer not found"
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
            "peak_rss_mb": max(rss) if rss else float("nan")}


def naive_baseline(service, qs: list[str], rounds: int) -> list[float]:  # noqa: ANN001
    """rank-bm25 over whole points, jieba tokens, no embeddings: the cost floor of a plain search."""
    from rank_bm25 import BM25Okapi

    tp = service.engine.retriever.tp
    points = list(service.corpus.points)
    bm25 = BM25Okapi([tp.tokens(tp.normalize(p.title + "。" + p.text)) or ["_"] for p in points])

    def ask(q: str) -> str:
        scores = bm25.get_scores(tp.tokens(tp.normalize(q)))
        best = points[int(np.argmax(scores))]
        return f"第{best.number}条 {best.title}：{best.sentences[0] if best.sentences else ''}"

    return timed(ask, qs, rounds)


def throughput(service, qs: list[str], workers: int, seconds: float = 5.0) -> float:  # noqa: ANN001
    done = 0
    deadline = time.perf_counter() + seconds
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while time.perf_counter() < deadline:
            list(pool.map(service.ask, qs))
            done += len(qs)
        elapsed = seconds + (time.perf_counter() - deadline)
    return done / elapsed


def scale_build(size: int, work: Path) -> dict[str, object]:
    """Child process 1: generate a synthetic corpus of ``size`` units and build its index."""
    from bot.config import Settings
    from bot.service import Resources

    sys.path.insert(0, str(ROOT / "scripts"))
    from synthetic_corpus import generate

    corpus_dir, index_dir = work / "corpus", work / "index"
    docs, _ = generate(size, corpus_dir)
    settings = Settings(_env_file=None, corpus_dir=corpus_dir, index_dir=index_dir, data_dir=work / "data",
                        embedding_batch_size=256)
    resources = Resources.load(settings)
    t = time.perf_counter()
    index = resources.build(progress=False)
    return {"target": size, "docs": docs, "units": len(index.units), "faiss": type(index.dense).__name__,
            "build_s": time.perf_counter() - t, "disk_mb": folder_mb(index_dir / "current"),
            "build_peak_rss_mb": peak_rss_mb()}


def tie_aware_recall(approx_ids: np.ndarray, exact_scores: np.ndarray, approx_scores: np.ndarray) -> float:
    """Share of the approximate top-k whose score reaches the exact k-th score.

    The synthetic corpus repeats sentences across documents, so many vectors are identical; which of
    several equal-scoring ids a search returns is arbitrary, and id overlap would punish a correct
    answer. Counting results that score at least the exact k-th best is the tie-safe recall.
    """
    kth = exact_scores[:, -1:] - 1e-5
    return float(np.mean((approx_scores >= kth) & (approx_ids >= 0)))


def scale_serve(work: Path) -> dict[str, object]:
    """Child process 2: load the built index as the bot would, answer questions, compare IVF with flat."""
    import faiss

    from bot.config import Settings
    from bot.embedding import embed
    from bot.service import PolicyService

    settings = Settings(_env_file=None, corpus_dir=work / "corpus", index_dir=work / "index", cache_size=0,
                        data_dir=work / "data")
    t = time.perf_counter()
    service = PolicyService.from_settings(settings, build_if_needed=False)
    load_s = time.perf_counter() - t
    qs = questions()
    for q in qs[:5]:
        service.ask(q)
    lat = timed(service.ask, qs, 3)
    result: dict[str, object] = {"load_s": load_s, "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95),
                                 "serve_peak_rss_mb": peak_rss_mb()}
    dense = service.index.dense
    if isinstance(dense, faiss.IndexIVF):
        units = service.index.units
        dense.make_direct_map()  # lets the benchmark read the vectors back for the exact comparison
        vectors = dense.reconstruct_n(0, dense.ntotal)
        flat = faiss.IndexFlatIP(vectors.shape[1])
        flat.add(vectors)
        probe = embed(service.resources.encoder, qs + [u.text for u in units[:: max(1, len(units) // 250)]][:300])
        t = time.perf_counter()
        exact_scores, _ = flat.search(probe, 10)
        flat_ms = (time.perf_counter() - t) * 1000 / len(probe)
        t = time.perf_counter()
        approx_scores, approx_ids = dense.search(probe, 10)
        approx_ms = (time.perf_counter() - t) * 1000 / len(probe)
        result.update({"approx_recall_at_10": tie_aware_recall(approx_ids, exact_scores, approx_scores),
                       "flat_ms": flat_ms, "approx_ms": approx_ms, "approx_speedup": flat_ms / approx_ms,
                       "probes": len(probe)})
    return result


def _child(args: list[str]) -> dict[str, object]:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "POLICYBOT_LOG_LEVEL": "WARNING"})
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_scale(sizes: list[int], out) -> list[dict[str, object]]:  # noqa: ANN001
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"policybot-scale-{size}-") as tmp:
            row = {**_child(["--scale-build", str(size), tmp]), **_child(["--scale-serve", tmp])}
            rows.append(row)
            out(f"  {row['units']:>7} units {row['docs']:>4} docs  {row['faiss']:<13} build {row['build_s']:6.1f} s"
                f" (peak RSS {row['build_peak_rss_mb']:5.0f} MB)  disk {row['disk_mb']:6.1f} MB  load "
                f"{row['load_s']:4.1f} s  serving RSS {row['serve_peak_rss_mb']:5.0f} MB"
                f"  p50 {row['p50_ms']:5.2f} ms  p95 {row['p95_ms']:5.2f} ms")
            if "approx_recall_at_10" in row:
                out(f"          {row['faiss']} vs exact flat search on the same {row['probes']} queries: "
                    f"recall@10 {row['approx_recall_at_10']:.3f}, {row['approx_speedup']:.1f}× faster "
                    f"({row['flat_ms']:.3f} → {row['approx_ms']:.3f} ms per query)")
    return rows


# ------------------------------------------------------------------------------------------------


def plot(rows: list[dict[str, object]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    units = [r["units"] for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    a.plot(units, [r["p50_ms"] for r in rows], "o-", label="p50")
    a.plot(units, [r["p95_ms"] for r in rows], "s--", label="p95")
    a.set_xscale("log")
    a.set_xlabel("index units (log)")
    a.set_ylabel("ms per answer")
    a.set_title("Answer latency vs corpus size")
    a.legend()
    a.grid(alpha=0.3)
    b.plot(units, [r["build_s"] for r in rows], "o-", color="tab:green")
    b.set_xscale("log")
    b.set_yscale("log")
    b.set_xlabel("index units (log)")
    b.set_ylabel("seconds (log)")
    b.set_title("Index build time vs corpus size")
    b.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="synthetic corpus sizes in units")
    parser.add_argument("--quick", action="store_true", help="small sizes and fewer rounds")
    parser.add_argument("--write-docs", action="store_true", help="write docs/benchmarks.md and the plot")
    parser.add_argument("--scale-build", nargs=2, metavar=("SIZE", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--scale-serve", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_build:
        print(json.dumps(scale_build(int(args.scale_build[0]), Path(args.scale_build[1]))))
        return 0
    if args.scale_serve:
        print(json.dumps(scale_serve(Path(args.scale_serve))))
        return 0

    import logging

    logging.basicConfig(level=logging.WARNING)
    from bot.config import Settings
    from bot.embedding import embed
    from bot.service import PolicyService, Resources

    sizes = [1000, 5000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    rounds = 2 if args.quick else 5
    lines: list[str] = []

    def out(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    out(f"policybot benchmark — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.machine()}")
    tmp = Path(tempfile.mkdtemp(prefix="policybot-bench-"))
    try:
        settings = Settings(_env_file=None, index_dir=tmp / "index", data_dir=tmp / "data", cache_size=0)
        resources = Resources.load(settings)
        t = time.perf_counter()
        index = resources.build()
        build_s = time.perf_counter() - t
        out(f"build: corpus/ ({len(index.corpus.documents)} document, {len(index.units)} units, model "
            f"{index.meta['model']}) built in {build_s:.2f} s")

        cold = cold_start(settings.index_dir, settings.data_dir)
        out(f"cold start: process start → first answer {cold['median_s']:.2f} s median of 3 "
            f"(min {cold['min_s']:.2f}, max {cold['max_s']:.2f}); that process peaked at {cold['peak_rss_mb']:.0f} MB")

        service = PolicyService(resources, index)
        qs = questions()
        for q in qs:
            service.ask(q)
        hybrid = timed(service.ask, qs, rounds)
        encoder = timed(lambda q: embed(resources.encoder, [q]), qs, rounds)
        naive = naive_baseline(service, qs, rounds)
        out(f"latency in-process over {len(qs)} questions × {rounds} rounds (cache off):")
        out(f"  hybrid answer  p50 {pct(hybrid, 50):6.2f} ms  p95 {pct(hybrid, 95):6.2f} ms  p99 {pct(hybrid, 99):6.2f} ms")
        out(f"  encoder alone  p50 {pct(encoder, 50):6.2f} ms  p95 {pct(encoder, 95):6.2f} ms  p99 {pct(encoder, 99):6.2f} ms")
        out(f"  naive rank-bm25 over points  p50 {pct(naive, 50):6.3f} ms  p95 {pct(naive, 95):6.3f} ms"
            f"  p99 {pct(naive, 99):6.3f} ms")
        out(f"  hybrid / naive: p50 {pct(hybrid, 50) / pct(naive, 50):.1f}×, p95 {pct(hybrid, 95) / pct(naive, 95):.1f}×")

        cached = PolicyService(replace(resources, settings=settings.model_copy(update={"cache_size": 512})), index)
        for q in qs:
            cached.ask(q)
        hits = timed(cached.ask, qs, rounds)
        out(f"  repeated question (answer cache) p50 {pct(hits, 50):.3f} ms  p95 {pct(hits, 95):.3f} ms")

        one = throughput(service, qs, 1)
        two = throughput(service, qs, 2)
        out(f"throughput: 1 worker {one:.0f} answers/s, 2 workers {two:.0f} answers/s")
        out(f"peak RSS of this process (model + index + baseline): {peak_rss_mb():.0f} MB")
        out()
        from bot.index import APPROX_THRESHOLD

        out(f"scale (synthetic corpora; each size built in one fresh process and served from another; "
            f"IVF instead of flat above {APPROX_THRESHOLD} units):")
        rows = run_scale(sizes, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if args.write_docs:
        docs = ROOT / "docs"
        docs.mkdir(exist_ok=True)
        plot(rows, docs / "bench_scale.png")
        (docs / "benchmarks.md").write_text(
            "# Benchmarks\n\nOutput of `make bench` (`scripts/bench.py --write-docs`), copied verbatim.\n\n```\n"
            + "\n".join(lines) + "\n```\n\n![latency and build time vs corpus size](bench_scale.png)\n",
            encoding="utf-8")
        print(f"wrote {docs / 'benchmarks.md'} and {docs / 'bench_scale.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
