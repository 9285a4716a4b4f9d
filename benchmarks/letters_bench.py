"""Letters benchmark: one GP letter with a trend chart vs a one-paragraph reportlab PDF.

    .venv/bin/python benchmarks/letters_bench.py [--runs 30]

Issue 5 figure: median time to build one GP letter (two pages, Step 1 and Step 2 tables,
alerts, care plan, trend grid over five visits, embedded DejaVu subsets), target under
150 ms on the project's 2-core machine. The baseline, measured in the same run, is the
smallest document the same machinery makes: one paragraph in the same embedded font
with `invariant=1`; the ratio says how much of the time is the letter's own layout. The
letter's input (scored by the real screening engine) is built once, outside the timing,
as the services layer hands it over; fonts are registered before timing, as they are
once per process in the app.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from icope_desktop.letters import render_gp_letter, render_patient_summary  # noqa: E402
from icope_desktop.letters.fonts import register_fonts  # noqa: E402
from tests.letters.samples import visit_with_trend  # noqa: E402


def one_paragraph() -> bytes:
    regular, _ = register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, initialFontName=regular)
    style = ParagraphStyle("p", fontName=regular, fontSize=9)
    doc.build([Paragraph("Évaluation ICOPE : « capacité intrinsèque », cœur.", style)])
    return buffer.getvalue()


def median_ms(fn: Callable[[], bytes], runs: int) -> tuple[float, float, float, int]:
    """Wall-clock median and 90th percentile, CPU-time median (ms; the CPU figure is
    steadier when other work shares the two cores), and the output size. Two warm-up
    calls first."""
    fn()
    size = len(fn())
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    wall.sort()
    return statistics.median(wall), wall[int(0.9 * (len(wall) - 1))], statistics.median(cpu), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    register_fonts()
    ctx = visit_with_trend()

    rows = [
        ("baseline: one-paragraph PDF", one_paragraph),
        ("GP letter with trend (fr)", lambda: render_gp_letter(ctx, "fr")),
        ("GP letter with trend (en)", lambda: render_gp_letter(ctx, "en")),
        ("patient summary (fr)", lambda: render_patient_summary(ctx, "fr")),
    ]
    results = {name: median_ms(fn, args.runs) for name, fn in rows}
    base = results[rows[0][0]][0]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, {args.runs} runs")
    print(f"{'document':32} {'median ms':>10} {'p90 ms':>8} {'CPU ms':>8} {'bytes':>8} "
          f"{'× baseline':>11}")  # fmt: skip
    for name, (median, p90, cpu, size) in results.items():
        print(f"{name:32} {median:10.1f} {p90:8.1f} {cpu:8.1f} {size:8d} {median / base:11.1f}")
    letter = results[rows[1][0]][0]
    verdict = "OK" if letter < 150 else "OVER"
    print(f"\nGP letter median {letter:.1f} ms (target < 150 ms): {verdict}")


if __name__ == "__main__":
    main()
