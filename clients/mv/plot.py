"""Baseline vs actual, per day, with the cumulative avoided energy: a PNG or SVG file."""

from __future__ import annotations

from pathlib import Path

from smartblocks.processors.kit.periods import day_date

from .savings import Savings

DISPLAY = {"mWh": ("kWh", 1_000_000), "mL": ("m³", 1_000_000)}


def plot_savings(savings: Savings, path: Path, title: str) -> Path:
    """Write the plot; the format follows the suffix (.png or .svg)."""
    if path.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"{path}: the plot is written as .png or .svg")
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    unit, scale = DISPLAY.get(savings.unit, (savings.unit, 1))
    dates = [day_date(d.day) for d in savings.days]
    figure, (daily, cumulative) = plt.subplots(
        2, 1, figsize=(10, 6), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
    )
    daily.plot(dates, [d.baseline / scale for d in savings.days], label="adjusted baseline (table)")
    daily.plot(dates, [d.actual / scale for d in savings.days], label="actual")
    daily.set_ylabel(f"{unit} per day")
    daily.set_title(title)
    daily.legend()
    total, running = 0, []
    for d in savings.days:
        total += d.avoided
        running.append(total / scale)
    cumulative.plot(dates, running, color="tab:green")
    cumulative.set_ylabel(f"avoided, {unit}")
    cumulative.grid(True, alpha=0.3)
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path
