"""`smartblocks forecast ...`: BlockPredict forecasters, forecasts and their on-chain scores:
grant, revoke, post, show, score, accuracy."""

from __future__ import annotations

import argparse
import json
from typing import Any

from google.protobuf.message import Message

from smartblocks.ledger.errors import UserError
from smartblocks.processors.blockmeter import addressing as meter_addressing
from smartblocks.processors.blockmeter import units
from smartblocks.processors.blockpredict import FAMILY, addressing, limits, txn
from smartblocks.processors.kit.arithmetic import PPM
from smartblocks.processors.kit.periods import iso
from smartblocks.protos.blockmeter_pb2 import Meter
from smartblocks.protos.blockpredict_pb2 import Forecast, MonthAccuracy, Score

from . import ledger_args
from .blockmeter_inputs import parse_int_list, parse_time, public_key_arg, read_values_csv
from .blockmeter_views import table
from .help import add_command
from .ledger_args import add_ledger_options, signer_of

RESOLUTIONS = {"15m": 900, "hour": 3_600, "day": 86_400}
SLOTS = {"hour": 3_600, "day": 86_400}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "forecast",
        "BlockPredict forecasts of meters and their on-chain accuracy",
        [
            "smartblocks forecast show main --start 2026-03-02 --issuer forecaster.pub",
            "smartblocks forecast accuracy main --month 2026-03",
        ],
    )
    commands = parser.add_subparsers(dest="forecast_command", metavar="COMMAND", required=True)

    for name, verb, func in [
        ("grant", "let a key post forecasts for a site's meters (site owner)", run_grant),
        ("revoke", "stop a key posting forecasts for a site's meters (site owner)", run_revoke),
    ]:
        sub = add_command(
            commands,
            name,
            verb,
            f"smartblocks forecast {name} town-hall forecaster.pub --key owner.priv",
            func,
        )
        sub.add_argument("site_id", metavar="SITE")
        sub.add_argument("public_key", metavar="KEY", help="public key (66 hex) or .pub file")
        add_ledger_options(sub)

    post = add_command(
        commands,
        "post",
        "post a forecast of a meter before its period starts (a forecaster of the site)",
        "smartblocks forecast post main --start 2026-03-02 --resolution hour "
        "--values 1200,1150,... --model naive-week --model-version 1 --key forecaster.priv\n"
        "  smartblocks forecast post main --start 2026-03-02 --resolution 15m --csv day.csv "
        "--model baseline --model-version 2026.1 --key forecaster.priv",
        run_post,
    )
    post.add_argument("meter_id", metavar="METER")
    post.add_argument("--start", required=True, help="period start (UTC), e.g. 2026-03-02")
    post.add_argument(
        "--resolution", choices=sorted(RESOLUTIONS), default="hour", help="one value per ..."
    )
    source = post.add_mutually_exclusive_group(required=True)
    source.add_argument("--values", help="comma-separated integers in the meter's unit")
    source.add_argument("--csv", metavar="FILE", help="one value per row (a header is skipped)")
    post.add_argument("--model", required=True, help="model name")
    post.add_argument("--model-version", required=True, help="model version")
    add_ledger_options(post)

    def forecast_key(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("meter_id", metavar="METER")
        sub.add_argument("--start", required=True, help="the forecast's period start (UTC)")
        sub.add_argument(
            "--issuer", required=True, help="the forecaster's public key (66 hex) or .pub file"
        )

    show = add_command(
        commands,
        "show",
        "show a forecast and, once scored, its score",
        "smartblocks forecast show main --start 2026-03-02 --issuer forecaster.pub --json",
        run_show,
    )
    forecast_key(show)
    show.add_argument("--json", action="store_true", help="print JSON")
    add_ledger_options(show, signing=False)

    score = add_command(
        commands,
        "score",
        "score a forecast against the meter's data (anyone, once the data covers the period)",
        "smartblocks forecast score main --start 2026-03-02 --issuer forecaster.pub --key me.priv",
        run_score,
    )
    forecast_key(score)
    add_ledger_options(score)

    accuracy = add_command(
        commands,
        "accuracy",
        "a meter's forecast accuracy per UTC month, from the on-chain month records",
        "smartblocks forecast accuracy main --month 2026-03 --month 2026-04 --json",
        run_accuracy,
    )
    accuracy.add_argument("meter_id", metavar="METER")
    accuracy.add_argument(
        "--month", action="append", required=True, help="YYYY-MM (repeat for several)"
    )
    accuracy.add_argument("--slot", choices=sorted(SLOTS), default="hour", help="slot length")
    accuracy.add_argument("--json", action="store_true", help="print JSON")
    add_ledger_options(accuracy, signing=False)


def record_dict(record: Message) -> dict[str, Any]:
    return dict(FAMILY.show(record))


def run_grant(args: argparse.Namespace) -> int:
    signer, key = signer_of(args), public_key_arg(args.public_key)
    ledger_args.submit(
        args, signer, [txn.grant_forecaster(signer, site_id=args.site_id, public_key=key)]
    )
    print(f"key {key} may post forecasts for site {args.site_id}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    signer, key = signer_of(args), public_key_arg(args.public_key)
    ledger_args.submit(
        args, signer, [txn.revoke_forecaster(signer, site_id=args.site_id, public_key=key)]
    )
    print(f"key {key} no longer posts forecasts for site {args.site_id}")
    return 0


def forecast_values(args: argparse.Namespace) -> list[int]:
    if args.csv:
        values, quality = read_values_csv(args.csv)
        if quality:
            raise UserError(f"{args.csv}: a forecast has one value per row, no quality column")
        return values
    return parse_int_list(args.values)


def run_post(args: argparse.Namespace) -> int:
    start, resolution = parse_time(args.start), RESOLUTIONS[args.resolution]
    values = forecast_values(args)
    if len(values) > limits.MAX_VALUES:
        raise UserError(f"{len(values)} values; a forecast has at most {limits.MAX_VALUES}")
    signer = signer_of(args)
    meter_data = ledger_args.read(args, [meter_addressing.meter_address(args.meter_id)])[0]
    if meter_data is None:
        raise UserError(f"meter {args.meter_id} does not exist")
    meter = Meter.FromString(meter_data)
    end = start + resolution * len(values)
    transaction = txn.post_forecast(
        signer,
        meter_id=args.meter_id,
        site_id=meter.site_id,
        start=start,
        end=end,
        resolution_s=resolution,
        values=values,
        model_name=args.model,
        model_version=args.model_version,
    )
    ledger_args.submit(args, signer, [transaction])
    print(
        f"forecast of meter {args.meter_id} posted: {len(values)} values at {resolution} s, "
        f"{iso(start)} to {iso(end)}, issuer {signer.public_key}"
    )
    return 0


def fetch_forecast(args: argparse.Namespace) -> tuple[int, str, Forecast, Score | None]:
    start, issuer = parse_time(args.start), public_key_arg(args.issuer)
    forecast_data, score_data = ledger_args.read(
        args,
        [
            addressing.forecast_address(args.meter_id, start, issuer),
            addressing.score_address(args.meter_id, start, issuer),
        ],
    )
    if forecast_data is None:
        raise UserError(
            f"no forecast of meter {args.meter_id} starting {iso(start)} by {issuer[:10]}.."
        )
    score = Score.FromString(score_data) if score_data else None
    return start, issuer, Forecast.FromString(forecast_data), score


def percent(ppm: int) -> str:
    return f"{ppm * 100 / PPM:.2f} %"


def metric_lines(record: Score | MonthAccuracy, symbol: str) -> list[str]:
    m = record.metrics
    return [
        f"  slots scored: {record.sums.slots}",
        f"  MAE:      {m.mae} {symbol} per slot",
        f"  bias:     {m.bias} {symbol} per slot (forecast - actual)",
        f"  MAPE:     {percent(m.mape_ppm)}",
        f"  CV(RMSE): {percent(m.cv_rmse_ppm)}",
    ]


def run_show(args: argparse.Namespace) -> int:
    _, _, forecast, score = fetch_forecast(args)
    if args.json:
        doc = {
            "forecast": record_dict(forecast),
            "score": record_dict(score) if score else None,
        }
        print(json.dumps(doc, indent=2))
        return 0
    slot = "hour" if forecast.slot_s == 3_600 else "day"
    print(
        f"forecast of meter {forecast.meter_id} (site {forecast.site_id}), "
        f"{iso(forecast.start)} to {iso(forecast.end)}, posted at {forecast.resolution_s} s, "
        f"kept per {slot}"
    )
    print(f"model {forecast.model_name} {forecast.model_version}, issuer {forecast.issuer}")
    print(f"values per {slot}: {', '.join(map(str, forecast.values))}")
    if score is None:
        print("not scored yet")
    else:
        print(
            f"score (by {score.scored_by[:10]}..): coverage {percent(score.coverage_ppm)} "
            f"({score.hours_with_readings} of {score.hours_in_period} hours)"
        )
        print("\n".join(metric_lines(score, "")))
    return 0


def run_score(args: argparse.Namespace) -> int:
    start, issuer, forecast, score = fetch_forecast(args)
    if score is not None:
        raise UserError(f"the forecast of meter {args.meter_id} at {iso(start)} is already scored")
    signer = signer_of(args)
    transaction = txn.score_forecast(
        signer,
        meter_id=args.meter_id,
        start=start,
        end=forecast.end,
        issuer=issuer,
        resolution_s=forecast.resolution_s,
    )
    ledger_args.submit(args, signer, [transaction])
    print(f"forecast of meter {args.meter_id} at {iso(start)} scored")
    return 0


def run_accuracy(args: argparse.Namespace) -> int:
    slot = SLOTS[args.slot]
    months = sorted(set(args.month))
    for month in months:
        if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
            raise UserError(f"--month {month!r} is not YYYY-MM")
    meter_data, *records = ledger_args.read(
        args,
        [
            meter_addressing.meter_address(args.meter_id),
            *[addressing.month_accuracy_address(args.meter_id, m, slot) for m in months],
        ],
    )
    if meter_data is None:
        raise UserError(f"meter {args.meter_id} does not exist")
    found = [MonthAccuracy.FromString(data) for data in records if data]
    if args.json:
        print(json.dumps([record_dict(r) for r in found], indent=2))
        return 0
    if not found:
        print(f"meter {args.meter_id}: no scored forecasts with {args.slot} slots in these months")
        return 0
    symbol = units.UNIT_SYMBOLS.get(Meter.FromString(meter_data).unit, "")
    headers = ["month", "scores", "slots", f"MAE {symbol}", f"bias {symbol}", "MAPE", "CV(RMSE)"]
    rows = [
        [
            r.month,
            r.scores,
            r.sums.slots,
            r.metrics.mae,
            r.metrics.bias,
            percent(r.metrics.mape_ppm),
            percent(r.metrics.cv_rmse_ppm),
        ]
        for r in found
    ]
    print(f"meter {args.meter_id}, {args.slot} slots, UTC months")
    print(table(headers, rows))
    return 0
