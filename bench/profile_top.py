"""Summarise py-spy's collapsed stacks (``bench_burst.py --profile``): the functions with the
most samples on top of the stack (self) and anywhere in it (total), as % of all samples.

    python bench/profile_top.py /tmp/prof-ours.txt [--top 25] [--grep reminder_bot]
"""

from __future__ import annotations

import argparse
from collections import Counter


def frames(line: str) -> tuple[list[str], int]:
    stack, _, count = line.rstrip("\n").rpartition(" ")
    # "function (path/to/file.py:line)": the line number is dropped to merge a function's lines.
    names = []
    for frame in stack.split(";"):
        name, _, where = frame.partition(" (")
        where = where.rstrip(")").rsplit(":", 1)[0]
        short = "/".join(where.split("/")[-2:])
        names.append(f"{name} ({short})")
    return names, int(count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--grep", default="", help="only functions whose name or file has this")
    args = parser.parse_args()
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    with open(args.path) as f:
        for line in f:
            if not line.strip():
                continue
            names, count = frames(line)
            samples += count
            own[names[-1]] += count
            for name in set(names):
                total[name] += count
    print(f"{samples} samples (py-spy, 100 Hz: ~{samples / 100:.1f} s on CPU)")
    for title, counter in (("self", own), ("total", total)):
        print(f"\ntop {args.top} by {title} samples")
        shown = [(n, c) for n, c in counter.most_common() if args.grep in n][: args.top]
        for name, count in shown:
            print(f"{100 * count / samples:6.1f}%  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
