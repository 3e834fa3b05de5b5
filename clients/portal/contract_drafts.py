"""Draft terms from the contract form: templates, the terms a draft describes (checked as a terms
file is, errors naming the field), the settlement preview with the processor's own functions,
and a baseline fitted from the ledger's data by the M&V engine in a worker thread."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import functools
import importlib.util
import json
import math
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from aiohttp import web
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.clients.contracts import ledger as contract_ledger
from smartblocks.clients.contracts.terms_file import (
    dotted_key,
    example_path,
    key_of_message,
    parse,
    per_unit,
    terms_to_toml,
    unit_of,
)
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import is_public_key
from smartblocks.ledger.toml_config import ParamError
from smartblocks.processors.energycontract import FAMILY, limits, schedule
from smartblocks.processors.energycontract.templates import TEMPLATES
from smartblocks.processors.energycontract.terms import check_terms, terms_hash
from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.periods import iso
from smartblocks.protos.energycontract_pb2 import TemplateState, Terms

from .contract_requests import (
    FIT_LOCK,
    REST_API,
    DraftError,
    error,
    handles_errors,
    read_body,
    rest_client,
)
from .overview import baseline_fit

MAX_PREVIEW_PERIODS = 12
MAX_FIT_DAYS = 731  # as `smartblocks mv fit`: two years at a time
MIN_FIT_DAYS = 30  # fewer days than OpenDSM's daily model can fit


# -- templates and drafts -----------------------------------------------------------------------


@handles_errors
async def list_templates(request: web.Request) -> web.Response:
    """Each template with its parameters and a starting draft (its example terms file)."""
    data = []
    for name, module in TEMPLATES.items():
        example = tomllib.loads(example_path(name).read_text())
        data.append(
            {
                "name": name,
                "title": module.TITLE,
                "summary": module.SUMMARY,
                "parameters": list(example[name]),
                "example": example,
            }
        )
    return web.json_response({"data": data})


def _table_bytes(body: dict[str, Any]) -> bytes:
    table = body.get("baseline")
    if not isinstance(table, str) or not table:
        raise DraftError(
            "no baseline table: fit one from the ledger's data, or load the file "
            "`smartblocks mv fit` wrote",
            "baseline",
        )
    try:
        return base64.b64decode(table, validate=True)
    except ValueError:
        raise DraftError("baseline must be the table's bytes in base64", "baseline") from None


def draft_terms(body: dict[str, Any]) -> Terms:
    """The Terms a draft describes (`terms`: the keys of a terms file; `baseline`: the table in
    base64), checked by terms_file's parser and the processor's check_terms."""
    doc = body.get("terms")
    if not isinstance(doc, dict):
        raise DraftError("terms must be an object with the keys of a terms file")
    parties = doc.get("parties")
    if isinstance(parties, dict):
        for role, key in parties.items():
            # A terms file may name .pub files; a page may not name files on the portal's disk.
            if not (isinstance(key, str) and is_public_key(key.strip())):
                raise DraftError(
                    f"parties.{role}: {str(key)[:80]!r} is not a public key (66 hex characters "
                    "starting 02 or 03)",
                    f"parties.{role}",
                )
    table = _table_bytes(body)
    with tempfile.TemporaryDirectory(prefix="portal-draft-") as folder:
        Path(folder, "baseline.pb").write_bytes(table)
        try:
            terms = parse({**doc, "baseline": "baseline.pb"}, Path(folder))
        except ParamError as exc:
            field = dotted_key(exc.key) if exc.key else None
            raise DraftError(str(exc), field) from None
    try:
        check_terms(terms)
    except InvalidTransaction as exc:
        message = str(exc).removeprefix(f"terms of contract {terms.contract_id}: ")
        key = key_of_message(message)
        raise DraftError(message, dotted_key(key) if key else None) from None
    return terms


def as_file(terms: Terms) -> dict[str, Any]:
    """The terms as the keys of a terms file: what the page's form holds."""
    doc = tomllib.loads(terms_to_toml(terms))
    doc["start"] = doc["start"].isoformat() if isinstance(doc["start"], dt.date) else doc["start"]
    return doc


def terms_json(terms: Terms) -> dict[str, Any]:
    """The terms as protobuf JSON, with the baseline table summarised (it can be large)."""
    shown = Terms()
    shown.CopyFrom(terms)
    shown.ClearField("baseline")
    out = dict(FAMILY.show(shown))
    table = terms.baseline
    out["baseline"] = {
        "table_hash": baseline.table_hash(table),
        "model": table.model,
        "curves": len(table.curves),
        "unit": unit_of(terms),
        "fit": baseline_fit(table),
    }
    # The template's parameters as a terms file writes them ("0.25", "60 %", "1200 kWh").
    out["parameters"] = as_file(terms)[str(terms.WhichOneof("template"))]
    out["template_name"] = terms.WhichOneof("template")
    out["template_title"] = TEMPLATES[str(terms.WhichOneof("template"))].TITLE
    out["unit"] = unit_of(terms)
    out["price_per"] = per_unit(terms)
    last = schedule.period(terms, terms.periods - 1)
    out["term"] = {"from": iso(terms.start), "to": iso(last.end)}
    return out


@handles_errors
async def check_draft(request: web.Request) -> web.Response:
    terms = draft_terms(await read_body(request))
    return web.json_response(
        {
            "terms": terms_json(terms),
            "terms_hash": terms_hash(terms),
            "toml": terms_to_toml(terms),
        }
    )


@handles_errors
async def preview_draft(request: web.Request) -> web.Response:
    """What settling the draft's periods would have given on the ledger's data so far: every
    period up to the one ledger time is in (at most MAX_PREVIEW_PERIODS)."""
    terms = draft_terms(await read_body(request))
    async with rest_client(request) as client:
        now = await contract_ledger.ledger_time(client)
        previews: list[dict[str, Any]] = []
        for period in range(min(terms.periods, MAX_PREVIEW_PERIODS)):
            info = schedule.period(terms, period)
            if previews and (now is None or info.start >= now):
                break
            inputs = await contract_ledger.period_inputs(client, terms, period)
            if inputs.missing_meters:
                raise DraftError(
                    f"meter(s) {', '.join(inputs.missing_meters)} are not on the ledger",
                    "meters",
                )
            result = contract_ledger.preview(terms, TemplateState(), period, inputs)
            shown = contract_ledger.preview_dict(result)
            shown["ended"] = now is not None and info.end <= now
            previews.append(shown)
    return web.json_response(
        {
            "terms_hash": terms_hash(terms),
            "ledger_time": iso(now) if now is not None else None,
            "unit": unit_of(terms),
            "periods": previews,
            "note": "each period previewed from the start state (no carried sums or arrears); "
            "periods not yet over show the data so far",
        }
    )


# -- the baseline, fitted on the portal -------------------------------------------------------


def _day(body: dict[str, Any], key: str) -> int:
    value = body.get(key)
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise DraftError(f"{key} must be a date YYYY-MM-DD", f"fit.{key}")
    return (day - dt.date(1970, 1, 1)).days


def mv_missing() -> list[str]:
    return [m for m in ("opendsm", "pandas") if importlib.util.find_spec(m) is None]


@handles_errors
async def fit_baseline(request: web.Request) -> web.Response:
    """Fit a daily baseline (OpenDSM's daily model, CalTRACK) on the contract's energy meters
    (summed, as settlement sums them) and the weather meter over [from, to], from the ledger's
    day rollups, in a worker thread."""
    body = await read_body(request)
    missing = mv_missing()
    if missing:
        return error(
            501,
            f"this portal cannot fit baselines: the M&V engine needs {', '.join(missing)} "
            "(pip install 'smartblocks[mv]' where the portal runs); or fit with `smartblocks "
            "mv fit` and load the table file",
        )
    meters, weather = body.get("meters"), body.get("weather_meter")
    if (
        not isinstance(meters, list)
        or not 1 <= len(meters) <= limits.MAX_METERS
        or not all(isinstance(m, str) and m for m in meters)
    ):
        raise DraftError(f"meters: 1 to {limits.MAX_METERS} energy meters to fit", "meters")
    if not isinstance(weather, str) or not weather:
        raise DraftError("weather_meter: the outdoor temperature meter", "weather_meter")
    first, last = _day(body, "from"), _day(body, "to")
    days = last - first + 1
    if not MIN_FIT_DAYS <= days <= MAX_FIT_DAYS:
        raise DraftError(
            f"from {body['from']} to {body['to']} is {days} days; a fit needs "
            f"{MIN_FIT_DAYS} to {MAX_FIT_DAYS} days (CalTRACK asks for 365)",
            "fit.from",
        )
    lock = request.app[FIT_LOCK]
    if lock.locked():
        return error(503, "another baseline fit is running on this portal; try again shortly")
    async with lock:
        loop = asyncio.get_running_loop()
        fit = functools.partial(fit_from_ledger, request.app[REST_API], meters, weather)
        result = await loop.run_in_executor(None, fit, first, last + 1)
    return web.json_response(result, dumps=_dumps)


def _dumps(value: Any) -> str:
    def finite(item: Any) -> Any:
        if isinstance(item, float):
            return item if math.isfinite(item) else None
        if isinstance(item, dict):
            return {k: finite(v) for k, v in item.items()}
        if isinstance(item, list | tuple):
            return [finite(v) for v in item]
        return item

    return json.dumps(finite(value))


def summed_from_ledger(url: str, meters: list[str], weather: str, first: int, end: int) -> Any:
    """DailyData of the meters' summed energy on the days every one of them has data."""
    from smartblocks.clients.mv import data

    parts = [data.from_ledger(url, m, weather, first, end) for m in meters]
    units = sorted({p.energy.unit for p in parts})
    if len(units) > 1:
        raise DraftError(f"meters {', '.join(meters)} are in different units ({units})", "meters")
    days = sorted(set.intersection(*(set(p.energy.values) for p in parts)))
    energy = data.DailySeries(
        source=" + ".join(meters),
        unit=units[0],
        meters=tuple(sorted(meters)),
        values={d: sum(p.energy.values[d] for p in parts) for d in days},
        flagged={d: sum(p.energy.flagged.get(d, 0) for p in parts) for d in days},
        gap_count=sum(p.energy.gap_count for p in parts),
        gap_seconds=sum(p.energy.gap_seconds for p in parts),
    )
    energy.flagged = {d: n for d, n in energy.flagged.items() if n}
    return data.DailyData(energy, parts[0].temperature, first, end)


def fit_from_ledger(
    url: str, meters: list[str], weather: str, first: int, end: int
) -> dict[str, Any]:
    """`smartblocks mv fit` on the ledger's data (clients/mv/pipeline.py), as a document for the
    page (sync: run it in a worker thread). A disqualified fit still returns its table: the
    parties decide."""
    from smartblocks.clients.mv.pipeline import fit_baseline

    try:
        inputs = summed_from_ledger(url, meters, weather, first, end)
        fitted = fit_baseline(inputs, electricity=inputs.energy.unit == "mWh")
    except UserError as exc:
        raise DraftError(str(exc), "meters") from None
    fit, table = fitted.fit, fitted.table
    return {
        "meters": meters,
        "weather_meter": weather,
        "unit": fit.unit,
        "model": fit.model_name,
        **fitted.summary(),
        "table_hash": baseline.table_hash(table),
        "baseline": base64.b64encode(baseline.canonical_bytes(table)).decode(),
        "plot": {
            "t": [d * 86_400 for d in fit.days],
            "observed": fit.observed,
            "predicted": fit.predicted,
            "temperature_mdegc": fit.temperatures,
        },
    }
