"""`smartblocks mv fit|report`: measurement and verification (clients/mv), off-chain.

Needs the optional extra `smartblocks[mv]` (OpenDSM, pandas, matplotlib).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from smartblocks.ledger.errors import UserError
from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.periods import day_name, day_number
from smartblocks.protos.baseline_pb2 import Resolution

from .blockmeter_inputs import parse_date
from .help import add_command
from .ledger_args import add_ledger_options

FIT_EXAMPLES = """\
examples:
  # a year of BlockMeter day rollups: the main incomer and the site's weather station
  smartblocks mv fit --meter main --temperature-meter outdoor-temp \\
      --from 2025-01-01 --to 2025-12-31 --out baseline.pb
  # CSV files (timestamp,value; header `timestamp,kWh` or `timestamp,value` + --energy-unit)
  smartblocks mv fit --energy-csv energy.csv --temperature-csv temperature.csv --out baseline.pb
  smartblocks mv fit ... --out baseline.pb --json    # everything as JSON on stdout
  # the hourly model (CalTRACK hourly, one model per month): hourly CSV files, or the hour
  # buckets of the day rollups; the table has 12 x 168 hour-of-week curves
  smartblocks mv fit --model hourly --energy-csv hourly.csv --temperature-csv weather.csv \
      --out baseline-hourly.pb

Writes the table (protobuf, the bytes whose SHA-256 is the table hash) and beside it
FILE.json: findings, metrics, fidelity and the table as JSON. A disqualified baseline is not
written (exit 1) unless --force.
"""

REPORT_EXAMPLES = """\
examples:
  smartblocks mv report --table baseline.pb --meter main --temperature-meter outdoor-temp \\
      --from 2026-01-01 --to 2026-03-31 --plot savings.png
  smartblocks mv report --table baseline.pb --energy-csv after.csv \\
      --temperature-csv weather.csv --from 2026-01-01 --to 2026-03-31 --json

An hourly table (mv fit --model hourly) reads hourly energy and temperature (the rollups' hour
buckets, or hourly CSV files) and evaluates each hour. The adjusted baseline comes from the
table (processors/kit/baseline.py, as a settlement computes it), never from the fitted model;
the uncertainty needs the fit's metrics (baseline.pb.json, written by `mv fit`; --fit FILE
names another).
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "mv",
        "measurement and verification: fit a baseline, report avoided energy",
        [
            "smartblocks mv fit --meter main --temperature-meter outdoor-temp "
            "--from 2025-01-01 --to 2025-12-31 --out baseline.pb",
            "smartblocks mv report --table baseline.pb --meter main "
            "--temperature-meter outdoor-temp --from 2026-01-01 --to 2026-03-31",
        ],
        description="Measurement and verification with OpenDSM (needs smartblocks[mv]).",
    )
    commands = parser.add_subparsers(dest="mv_command", metavar="COMMAND", required=True)
    fit = add_command(
        commands,
        "fit",
        "fit a baseline and export its table",
        description="Fit OpenDSM's daily or hourly model (CalTRACK) on a baseline period, check "
        "it, and export the integer baseline table both parties sign.",
        epilog=FIT_EXAMPLES,
    )
    _inputs(fit, period_required=False)
    fit.add_argument(
        "--model",
        choices=("daily", "hourly"),
        default="daily",
        help="daily (CalTRACK daily, default) or hourly (CalTRACK hourly: occupancy and "
        "temperature bins, one model per month; needs hourly data)",
    )
    fit.add_argument(
        "--gas",
        action="store_true",
        help="not electricity: zero days are real data (OpenDSM drops electricity zeros)",
    )
    fit.add_argument("--out", type=Path, required=True, metavar="FILE", help="the table (.pb)")
    fit.add_argument(
        "--force", action="store_true", help="write the table even if the baseline is disqualified"
    )
    fit.add_argument("--json", action="store_true", help="print the result as JSON")
    fit.set_defaults(func=run_fit)
    report = add_command(
        commands,
        "report",
        "avoided energy over a reporting period, from a baseline table",
        description="Adjusted baseline (from the table), actual and avoided energy, uncertainty, "
        "and a plot, over a reporting period.",
        epilog=REPORT_EXAMPLES,
    )
    report.add_argument(
        "--table", type=Path, required=True, metavar="FILE", help="the table `mv fit` wrote"
    )
    report.add_argument(
        "--fit", type=Path, metavar="FILE", help="the fit's JSON (default FILE.json)"
    )
    _inputs(report, period_required=True)
    report.add_argument("--plot", type=Path, metavar="FILE", help="write a .png or .svg plot")
    report.add_argument("--json", action="store_true", help="print the result as JSON")
    report.set_defaults(func=run_report)


def _inputs(parser: argparse.ArgumentParser, *, period_required: bool) -> None:
    ledger = parser.add_argument_group("ledger input (BlockMeter day rollups)")
    ledger.add_argument("--meter", metavar="ID", help="the energy meter")
    ledger.add_argument("--temperature-meter", metavar="ID", help="the weather station's meter")
    csv = parser.add_argument_group("CSV input")
    csv.add_argument("--energy-csv", type=Path, metavar="FILE")
    csv.add_argument("--temperature-csv", type=Path, metavar="FILE")
    csv.add_argument("--energy-unit", default="kWh", help="when the header says value (kWh)")
    csv.add_argument("--temperature-unit", default="degC", help="when the header says value")
    need = "" if period_required else " (CSV: default the energy file's days)"
    parser.add_argument("--from", dest="first", required=period_required, help="first day" + need)
    parser.add_argument("--to", dest="last", required=period_required, help="last day, inclusive")
    add_ledger_options(parser, signing=False)


def _period(args: argparse.Namespace) -> tuple[int | None, int | None]:
    first = day_number(parse_date(args.first)) if args.first else None
    last = day_number(parse_date(args.last)) + 1 if args.last else None
    if first is not None and last is not None and last <= first:
        raise UserError(f"--to {args.last} is before --from {args.first}")
    return first, last


def _need_extra(*modules: str) -> None:
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise UserError(f"smartblocks mv needs {', '.join(missing)}: pip install 'smartblocks[mv]'")


def _load(args: argparse.Namespace, *, hourly: bool = False) -> Any:
    from smartblocks.clients.mv import data

    first, end = _period(args)
    if args.energy_csv or args.temperature_csv:
        if not (args.energy_csv and args.temperature_csv) or args.meter:
            raise UserError("CSV input needs both --energy-csv and --temperature-csv (no --meter)")
        return (data.from_csv_hourly if hourly else data.from_csv)(
            args.energy_csv,
            args.temperature_csv,
            energy_unit=args.energy_unit,
            temperature_unit=args.temperature_unit,
            first_day=first,
            end_day=end,
        )
    if not (args.meter and args.temperature_meter):
        raise UserError(
            "give --meter and --temperature-meter, or --energy-csv and --temperature-csv"
        )
    if first is None or end is None:
        raise UserError("ledger input needs --from and --to")
    if end - first > 731:
        raise UserError(f"{end - first} days asked for; at most 731 at a time")
    read = data.from_ledger_hourly if hourly else data.from_ledger
    return read(args.url, args.meter, args.temperature_meter, first, end)


def _dump(value: Any) -> str:
    def default(item: Any) -> Any:
        if isinstance(item, float) and not math.isfinite(item):
            return None
        raise TypeError(type(item).__name__)

    return json.dumps(value, indent=2, default=default)


def run_fit(args: argparse.Namespace) -> int:
    from smartblocks.clients.mv import settings
    from smartblocks.clients.mv.pipeline import fit_baseline

    _need_extra("opendsm", "pandas")
    inputs = _load(args, hourly=args.model == "hourly")
    fitted = fit_baseline(inputs, hourly=args.model == "hourly", electricity=not args.gas)
    table, months = fitted.table, fitted.months
    summary: dict[str, Any] = {
        "period": {"from": day_name(inputs.first_day), "to": day_name(inputs.end_day - 1)},
        "energy": inputs.energy.source,
        "temperature": inputs.temperature.source,
        "model": args.model,
        **fitted.summary(),
        "settings": settings.describe(fitted.config),
        # The fitted model itself, so `mv report` can check the table against it over the
        # reporting period too.
        "opendsm_model": fitted.model_document(),
    }
    written = not summary["disqualified"] or args.force
    if written:
        args.out.write_bytes(baseline.canonical_bytes(table))
        _summary_path(args.out).write_text(_dump(summary) + "\n")
    summary["written"] = [str(args.out), str(_summary_path(args.out))] if written else []
    if args.json:
        print(_dump(summary))
    else:
        _print_fit(summary, table, months, written, args.out)
    return 0 if written else 1


def _summary_path(table_path: Path) -> Path:
    return table_path.with_name(table_path.name + ".json")


def _print_fit(
    summary: dict[str, Any], table: Any, months: list[Any], written: bool, out: Path
) -> None:
    period = summary["period"]
    print(
        f"baseline {period['from']} to {period['to']}: {summary['energy']}, "
        f"temperature {summary['temperature']}"
    )
    print("findings:")
    for item in summary["findings"]:
        values = ", ".join(f"{k}={v}" for k, v in item["values"].items())
        line = f"  {item['severity']:<16} {item['code']}: {item['description']}"
        print(line + (f" [{values}]" if values else ""))
    m = summary["metrics"]
    print(
        f"metrics: CV(RMSE) {m['cvrmse']:.2%}, NMBE {m['nmbe']:.3%}, R² {m['r_squared']:.4f}, "
        f"n={m['n']} (effective {m['n_effective']:.0f}), {m['num_params']} parameters"
    )
    fidelity = summary["fidelity"]
    verdict = "within" if fidelity["max_month_error"] <= fidelity["target"] else "OUTSIDE"
    print(
        "table fidelity: largest monthly |table - model| / model "
        f"{fidelity['max_month_error']:.4%} "
        f"({verdict} the {fidelity['target']:.1%} target)"
    )
    t = summary["table"]
    per = "hour" if t["resolution"] == "PER_HOUR" else "day"
    for month in months:
        print(
            f"  {month.month}  {month.days:>3} {per}s  model {month.model:,.0f}  "
            f"table {month.table:,}  {month.error:.4%}"
        )
    knots = sum(len(c["knots"]) for c in t["curves"])
    print(
        f"table: {t['day_types']}, {len(t['curves'])} curves, {knots} knots, "
        f"{t['unit']} per {per}, rounding {t['rounding']}; model {t['model']}"
    )
    print(f"table hash: {t['table_hash']}")
    if written:
        print(f"wrote {out} and {_summary_path(out)}")
    else:
        print("baseline disqualified: nothing written (see the findings; --force writes anyway)")


def run_report(args: argparse.Namespace) -> int:
    from smartblocks.clients.mv import metrics, plot, savings, settings, sufficiency

    try:
        table = baseline.parse(args.table.read_bytes())
    except OSError as exc:
        raise UserError(f"{args.table}: cannot read: {exc.strerror}") from None
    except baseline.BadTable as exc:
        raise UserError(f"{args.table}: {exc}") from None
    config = settings.Settings()
    digest = baseline.table_hash(table)
    scores = None
    fitted: dict[str, Any] = {}
    fit_path = args.fit or _summary_path(args.table)
    if fit_path.exists():
        fitted = json.loads(fit_path.read_text())
        if fitted.get("table", {}).get("table_hash") != digest:
            raise UserError(f"{fit_path} is the fit of another table (its table hash differs)")
        scores = metrics.FitMetrics(**fitted["metrics"])
    elif args.fit:
        raise UserError(f"{args.fit}: no such file")
    hourly = table.resolution == Resolution.PER_HOUR
    inputs = _load(args, hourly=hourly)
    if hourly:
        findings = sufficiency.check_reporting_hourly(inputs, config.sufficiency)
        result = savings.avoided_energy_hourly(table, inputs, scores, config.metrics.confidence)
    else:
        findings = sufficiency.check_reporting(inputs, config.sufficiency)
        result = savings.avoided_energy(table, inputs, scores, config.metrics.confidence)
    out: dict[str, Any] = {
        "table": str(args.table),
        "table_hash": digest,
        "period": {"from": day_name(inputs.first_day), "to": day_name(inputs.end_day - 1)},
        "energy": inputs.energy.source,
        "findings": [f.as_dict() for f in findings],
        **result.as_dict(),
    }
    if fitted.get("opendsm_model") and result.days:
        _need_extra("opendsm", "pandas")
        from smartblocks.clients.mv import export, model

        if hourly:
            hours = inputs.complete_hours()
            months = export.hourly_fidelity(
                model.load_hourly_model(fitted["opendsm_model"]),
                result.unit,
                table,
                hours,
                [inputs.temperature.values[h] for h in hours],
            )
        else:
            months = export.model_fidelity(
                model.load_model(fitted["opendsm_model"]),
                result.unit,
                table,
                [d.day for d in result.days],
                [d.temperature for d in result.days],
            )
        out["fidelity"] = {
            "max_month_error": max(m.error for m in months),
            "target": config.export.max_fidelity_error,
            "months": [m.as_dict() for m in months],
        }
    if scores is None:
        out["uncertainty_note"] = f"no fit metrics ({fit_path} missing): uncertainty not computed"
    if args.plot:
        _need_extra("matplotlib")
        title = f"{inputs.energy.source}: {out['period']['from']} to {out['period']['to']}"
        try:
            plot.plot_savings(result, args.plot, title)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        out["plot"] = str(args.plot)
    if args.json:
        print(_dump(out))
        return 0
    scale, unit = (1_000_000, "kWh") if result.unit == "mWh" else (1_000_000, "m³")
    print(
        f"reporting {out['period']['from']} to {out['period']['to']}: {out['energy']}; "
        f"table {digest[:16]}…"
    )
    for item in findings:
        print(f"  {item.line()}")
    print(f"  {'month':<8} {'days':>4} {'baseline':>14} {'actual':>14} {'avoided':>14}  ({unit})")
    for month, row in result.months.items():
        print(
            f"  {month:<8} {row['days']:>4} {row['adjusted_baseline'] / scale:>14,.1f} "
            f"{row['actual'] / scale:>14,.1f} {row['avoided'] / scale:>14,.1f}"
        )
    print(
        f"  {'total':<8} {len(result.days):>4} {result.baseline / scale:>14,.1f} "
        f"{result.actual / scale:>14,.1f} {result.avoided / scale:>14,.1f}"
        f"  ({result.fraction:.1%} of the adjusted baseline)"
    )
    if result.fsu is not None:
        print(
            f"uncertainty: ±{abs(result.avoided) * result.fsu / scale:,.1f} {unit} "
            f"(fractional savings uncertainty {result.fsu:.2%} "
            f"at {result.confidence:.0%} confidence)"
        )
    else:
        print(out["uncertainty_note"])
    if "fidelity" in out:
        fidelity = out["fidelity"]
        verdict = "within" if fidelity["max_month_error"] <= fidelity["target"] else "OUTSIDE"
        print(
            "table fidelity over the reporting period: largest monthly |table - model| / model "
            f"{fidelity['max_month_error']:.4%} ({verdict} the {fidelity['target']:.1%} target)"
        )
    if result.missing_days:
        print(f"{len(result.missing_days)} days without data left out")
    if result.missing_hours:
        print(f"{result.missing_hours} hours without data left out")
    if args.plot:
        print(f"wrote {args.plot}")
    return 0
