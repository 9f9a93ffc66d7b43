"""Write a SYNTHETIC multi-document corpus for scale benchmarks (never into corpus/).

Each synthetic plan recombines and perturbs the real plan: points keep a real title and get
sentences drawn mostly from that point and partly from others, with numbers, places and years
changed. Every file says in its title and summary that it is synthetic test data.

Usage: .venv/bin/python scripts/synthetic_corpus.py --units 10000 --out /tmp/synthetic-10k
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.corpus import Document, load_corpus  # noqa: E402

PLACES = ["青松", "白杨", "红枫", "金桂", "银杏", "翠竹", "紫荆", "海棠", "丹霞", "碧水", "云台", "石泉"]
SUFFIX = ["区", "县", "市"]
_NUMBER_RE = re.compile(r"\d+")


def _perturb(sentence: str, rng: random.Random, place: str, year: int) -> str:
    sentence = sentence.replace("鹰潭", place).replace("贵溪", place + "东").replace("余江", place + "西")
    sentence = sentence.replace("2021", str(year))

    def number(m: re.Match[str]) -> str:
        value = int(m.group(0))
        if value >= 1900:  # a year
            return str(year)
        return str(max(1, int(value * rng.uniform(0.5, 1.8))))

    return _NUMBER_RE.sub(number, sentence)


def synthetic_plan(source: Document, index: int, rng: random.Random) -> tuple[str, int]:
    """Text of one synthetic plan and its number of index units (points + header + sentences)."""
    place = rng.choice(PLACES) + rng.choice(SUFFIX)
    year = rng.choice([2019, 2020, 2022, 2023, 2024])
    title = f"{place}教育局{year}年工作要点（合成测试数据{index:05d}）"
    pool = [s for p in source.work_points for s in p.sentences]
    lines = [
        "摘要",
        "本文件为自动生成的合成测试数据，仅用于性能测试，不是真实政策文件...",
        f"关于印发《{title}》的通知",
        "区属各学校：",
        f"现将《{title}》印发给你们，请认真贯彻落实。",
        f"{place}教育局",
        f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        title,
        _perturb(source.point(0).sentences[-1], rng, place, year),
    ]
    units = 1 + 1  # header point unit + one header sentence (the preamble)
    number = 0
    for section in source.sections:
        lines.append(f"{section.label}、{section.title}")
        for n in section.point_numbers:
            point = source.point(n)
            own = list(point.sentences)
            rng.shuffle(own)
            count = max(2, len(own) + rng.randint(-1, 2))
            body = [s for s in own[:count]] + [rng.choice(pool) for _ in range(max(0, count - len(own)))]
            body = [_perturb(s, rng, place, year) for s in body]
            number += 1
            lines.append(f"{number}.{point.title}。" + "".join(body))
            units += 1 + len(body)
    lines.append("扫一扫关注合成测试公众号")
    return "\n".join(lines) + "\n", units + 3  # notice sentences in the header


def generate(target_units: int, out_dir: Path, seed: int = 7) -> tuple[int, int]:
    """Write plans until about ``target_units`` units; returns (documents, units)."""
    source = load_corpus(ROOT / "corpus").documents[0]
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("synthetic-*.txt"):
        old.unlink()
    docs = units = 0
    while units < target_units:
        text, n = synthetic_plan(source, docs, rng)
        (out_dir / f"synthetic-{docs:05d}.txt").write_text(text, encoding="utf-8")
        docs += 1
        units += n
    return docs, units


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, required=True, help="approximate number of index units")
    parser.add_argument("--out", type=Path, required=True, help="output folder (not corpus/)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.out.resolve() == (ROOT / "corpus").resolve():
        parser.error("synthetic data must not go into corpus/")
    docs, units = generate(args.units, args.out, args.seed)
    print(f"wrote {docs} synthetic plans (~{units} units) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
