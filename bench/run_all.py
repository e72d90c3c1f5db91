"""Run every benchmark in bench/ and print their figures; `--write FILE` records them as a Markdown table.

Each benchmark is a standalone script printing one JSON line per figure with at least
``bench``, ``ratio`` and ``target`` (ratios are Storyreel against a baseline measured in the same run).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["animatic.py", "engine_overhead.py", "keyframe_engine.py", "cluster.py", "export.py", "moviepy_export.py",
         "ui_scale.py", "gpu_engine.py", "gpu_continuity.py", "voice_offline.py", "sound_offline.py"]


def run(script: Path) -> list[dict]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=HERE.parent)
    figures = []
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):
                figures.append(json.loads(line))
    if proc.returncode != 0 or not figures:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        figures.append({"bench": script.stem, "error": " / ".join(tail) or f"exit {proc.returncode}"})
    for figure in figures:
        figure.setdefault("wall_s", round(time.perf_counter() - started, 1))
    return figures


def verdict(figure: dict) -> str:
    if "error" in figure:
        return "error"
    if figure.get("skipped"):
        return "skipped"
    ratio, target = figure.get("ratio"), figure.get("target")
    if ratio is None or target is None:
        return ""
    return "meets target" if ratio <= target else "MISSES target"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", type=Path, help="also write the figures as Markdown to this file")
    parser.add_argument("names", nargs="*", help="only these benchmarks (file stems)")
    args = parser.parse_args()
    scripts = [HERE / name for name in ORDER if (HERE / name).is_file()]
    if args.names:
        scripts = [s for s in scripts if s.stem in args.names]
    rows = []
    for script in scripts:
        print(f"running {script.name} ...", file=sys.stderr, flush=True)
        for figure in run(script):
            rows.append(figure)
            print(json.dumps(figure), flush=True)
    if args.write:
        lines = ["| benchmark | ratio | target | verdict | figures |", "|---|---|---|---|---|"]
        for f in rows:
            details = ", ".join(f"{k}={v}" for k, v in f.items() if k not in ("bench", "ratio", "target", "wall_s"))
            lines.append(f"| {f.get('bench')} | {f.get('ratio', '')} | {f.get('target', '')} | {verdict(f)} | {details} |")
        machine = f"{platform.machine()}, {platform.python_version()}, {platform.platform()}"
        args.write.write_text(f"\n_Run with `make bench` on {machine}._\n\n" + "\n".join(lines) + "\n")
    return 1 if any(verdict(r) == "error" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
