"""A terms file: the TOML a person writes, turned into the `Terms` both parties sign.

    contract_id = "town-hall-ss-2027"
    title = "Town hall lighting retrofit: shared savings"
    template = "shared_savings"        # shared_savings | guaranteed_savings | first_out |
                                       # energy_supply; its table below holds its parameters
    site = "town-hall"
    meters = ["main"]                  # energy meters summed (sorted by the loader)
    weather_meter = "weather"          # the site's outdoor temperature meter
    currency = "EUR"
    start = "2027-01-01"               # the first period's first day (UTC)
    period = "month"                   # week (starts on a Monday) | month | year
    periods = 12                       # the term, in periods
    baseline = "baseline.pb"           # the table `smartblocks mv fit` wrote (path relative)
    min_coverage = "90 %"              # below it a period settles as INSUFFICIENT (or ppm)
    data_grace = "7d"                  # how long settlement waits for late data (30d, 12h, 3600s)
    dispute_window = "30d"             # how long after a settlement a party may dispute it

    [parties]                          # public keys: 66 hex, or .pub files (relative paths)
    esco = "keys/esco.pub"
    owner = "keys/owner.pub"
    auditor = "keys/auditor.pub"

    [deposits]                         # locked into the contract's escrow when a party signs
    esco = "5000.00"                   # currency units, at most 6 decimals
    owner = "0"

    [shared_savings]
    price = "0.25"                     # currency per kWh (per m3 for volume meters)
    esco_share = "60 %"
    owner_share = "40 %"
    cap_per_period = "0"               # 0: no cap

The other templates' tables (examples/*.toml, `smartblocks contract templates --example NAME`):

    [guaranteed_savings]  price, fee_per_period, guarantee = "1200 kWh", basis = "period" | "year",
                          excess_esco_share, excess_owner_share
    [first_out]           price, esco_share, owner_share, investment, return = "8 %"
    [energy_supply]       price, baseline_price, discount = "10 %"

Every problem is a TermsFileError naming `file:line: key: problem`; after building, the terms go
through the processor's own `check_terms`, so a file that loads is one the ledger accepts.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import KeyFileError, is_public_key, load_public_key
from smartblocks.ledger.toml_config import (
    KeyPath,
    Params,
    key_lines,
    line_of,
    load_toml,
)
from smartblocks.processors.energycontract.templates import TEMPLATES
from smartblocks.processors.energycontract.terms import check_terms
from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.periods import date_seconds
from smartblocks.protos.blockmeter_pb2 import Unit
from smartblocks.protos.energycontract_pb2 import (
    EnergySupply,
    FirstOut,
    GuaranteeBasis,
    GuaranteedSavings,
    PeriodKind,
    SharedSavings,
    Terms,
)

from . import quantities as q

EXAMPLES = Path(__file__).parent / "examples"
PERIODS = {"week": PeriodKind.WEEK, "month": PeriodKind.MONTH, "year": PeriodKind.YEAR}
BASES = {"period": GuaranteeBasis.PER_PERIOD, "year": GuaranteeBasis.PER_YEAR}
ROLES = ("esco", "owner", "auditor")
TABLE_UNITS = {Unit.MILLIWATT_HOUR: "mWh", Unit.MILLILITRE: "mL"}


class TermsFileError(UserError):
    """A terms file is wrong: the message names the file, the line and the key."""


def example_path(template: str) -> Path:
    return EXAMPLES / f"{template.replace('_', '-')}.toml"


def load_terms(path: Path | str) -> Terms:
    """The terms a file describes, checked as the processor checks a proposal."""
    path = Path(path)
    terms = load_toml(path, lambda doc: parse(doc, path.parent), TermsFileError, what="terms file")
    try:
        check_terms(terms)
    except InvalidTransaction as exc:
        message = str(exc).removeprefix(f"terms of contract {terms.contract_id}: ")
        key = key_of_message(message)
        line = line_of(key_lines(path.read_text()), key) if key else None
        where = f"{path}:{line}" if line else str(path)
        named = f"{dotted_key(key)}: " if key else ""
        raise TermsFileError(f"{where}: {named}{message}") from None
    return terms


def parse(doc: dict[str, Any], folder: Path) -> Terms:
    """Terms from a TOML document (paths relative to `folder`); ParamError on a bad key."""
    root = Params(doc)
    template = root.text("template", choices=tuple(TEMPLATES))
    terms = Terms(
        contract_id=root.text("contract_id"),
        title=root.text("title"),
        site_id=root.text("site"),
        meters=sorted(root.texts("meters")),
        weather_meter=root.text("weather_meter"),
        currency=root.text("currency"),
        start=_start(root),
        period=PERIODS[root.text("period", choices=tuple(PERIODS))],
        periods=root.integer("periods", low=1, high=2**32 - 1),
        min_coverage_ppm=_convert(root, "min_coverage", q.parse_ratio, "90 %"),
        data_grace_s=_convert(root, "data_grace", q.parse_duration, "7d"),
        dispute_window_s=_convert(root, "dispute_window", q.parse_duration, "30d"),
    )
    terms.baseline.CopyFrom(_baseline(root, folder))
    parties = root.sub("parties")
    for role in ROLES:
        setattr(terms, role, _public_key(parties, role, folder))
    parties.done(list_known=True)
    deposits = root.sub("deposits")
    terms.esco_deposit = _convert(deposits, "esco", q.parse_amount, "0")
    terms.owner_deposit = _convert(deposits, "owner", q.parse_amount, "0")
    deposits.done(list_known=True)
    for name in TEMPLATES:
        if name != template and name in doc:
            raise root.error(name, f"a table for template {name}, but template = {template!r}")
    unit = TABLE_UNITS.get(terms.baseline.unit, "mWh")
    params = root.sub(template)
    if template not in doc:
        raise params.error("price", f"missing: template {template} needs its table [{template}]")
    _TEMPLATE_PARSERS[template](terms, params, unit)
    params.done(list_known=True)
    root.done()
    return terms


# -- the top-level keys -------------------------------------------------------------------------


_REQUIRED = object()


def _convert(
    table: Params, key: str, convert: Callable[[object], int], default: Any = _REQUIRED
) -> int:
    value = table.value(key) if default is _REQUIRED else table.value(key, default)
    try:
        return convert(value)
    except ValueError as exc:
        raise table.error(key, str(exc)) from None


def _start(root: Params) -> int:
    value = root.value("start")
    if isinstance(value, datetime.datetime):
        raise root.error("start", "must be a date (the first period's first day, UTC), not a time")
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            raise root.error("start", f"{value!r} is not a date (YYYY-MM-DD)") from None
    if not isinstance(value, datetime.date):
        raise root.error("start", f"must be a date such as 2027-01-01; got {value!r}")
    return date_seconds(value)


def _baseline(root: Params, folder: Path) -> Any:
    name = root.text("baseline")
    path = folder / Path(name).expanduser()
    try:
        return baseline.parse(path.read_bytes())
    except OSError as exc:
        raise root.error(
            "baseline", f"cannot read {path}: {exc.strerror} (the table `smartblocks mv fit` wrote)"
        ) from None
    except baseline.BadTable as exc:
        raise root.error("baseline", f"{path}: {exc}") from None


def _public_key(parties: Params, role: str, folder: Path) -> str:
    text = parties.text(role).strip()
    if is_public_key(text):
        return str(text)
    path = folder / Path(text).expanduser()
    if not path.exists():
        raise parties.error(role, f"{text!r} is neither a public key (66 hex) nor a .pub file")
    try:
        return load_public_key(path)
    except KeyFileError as exc:
        raise parties.error(role, str(exc)) from None


# -- the template tables ------------------------------------------------------------------------


def _shared_savings(terms: Terms, t: Params, unit: str) -> None:
    terms.shared_savings.CopyFrom(
        SharedSavings(
            price=_convert(t, "price", q.parse_price),
            esco_share_ppm=_convert(t, "esco_share", q.parse_ratio),
            owner_share_ppm=_convert(t, "owner_share", q.parse_ratio),
            cap_per_period=_convert(t, "cap_per_period", q.parse_amount, "0"),
        )
    )


def _energy(t: Params, key: str, unit: str) -> int:
    value = t.value(key)
    try:
        amount, base = q.parse_energy(value)
    except ValueError as exc:
        raise t.error(key, str(exc)) from None
    if base != unit:
        raise t.error(
            key, f"{value!r} is in {base} but the baseline table is in {unit} (the meters' unit)"
        )
    return amount


def _guaranteed_savings(terms: Terms, t: Params, unit: str) -> None:
    terms.guaranteed_savings.CopyFrom(
        GuaranteedSavings(
            price=_convert(t, "price", q.parse_price),
            fee_per_period=_convert(t, "fee_per_period", q.parse_amount),
            guarantee=_energy(t, "guarantee", unit),
            basis=BASES[t.text("basis", "period", choices=tuple(BASES))],
            excess_esco_share_ppm=_convert(t, "excess_esco_share", q.parse_ratio),
            excess_owner_share_ppm=_convert(t, "excess_owner_share", q.parse_ratio),
        )
    )


def _first_out(terms: Terms, t: Params, unit: str) -> None:
    terms.first_out.CopyFrom(
        FirstOut(
            price=_convert(t, "price", q.parse_price),
            esco_share_ppm=_convert(t, "esco_share", q.parse_ratio),
            owner_share_ppm=_convert(t, "owner_share", q.parse_ratio),
            investment=_convert(t, "investment", q.parse_amount),
            return_ppm=_convert(t, "return", q.parse_ratio),
        )
    )


def _energy_supply(terms: Terms, t: Params, unit: str) -> None:
    terms.energy_supply.CopyFrom(
        EnergySupply(
            price=_convert(t, "price", q.parse_price),
            baseline_price=_convert(t, "baseline_price", q.parse_price),
            discount_ppm=_convert(t, "discount", q.parse_ratio),
        )
    )


_TEMPLATE_PARSERS: dict[str, Callable[[Terms, Params, str], None]] = {
    "shared_savings": _shared_savings,
    "guaranteed_savings": _guaranteed_savings,
    "first_out": _first_out,
    "energy_supply": _energy_supply,
}

# -- the processor's messages, back to the file's keys --------------------------------------------

# (how check_terms' message begins, once "terms of contract X: " is removed; the key that holds
# the value): the first match wins, so the more specific come first.
_FIELDS: list[tuple[str, KeyPath]] = [
    ("esco, owner and auditor", ("parties",)),
    ("esco", ("parties", "esco")),
    ("owner", ("parties", "owner")),
    ("auditor", ("parties", "auditor")),
    ("meters overlap: weather meter", ("weather_meter",)),
    ("weather meter", ("weather_meter",)),
    ("meter", ("meters",)),
    ("site id", ("site",)),
    ("contract id", ("contract_id",)),
    ("title", ("title",)),
    ("currency", ("currency",)),
    ("periods ", ("periods",)),
    ("the term ends", ("periods",)),
    ("start ", ("start",)),
    ("period must", ("period",)),
    ("no baseline", ("baseline",)),
    ("baseline", ("baseline",)),
    ("min_coverage_ppm", ("min_coverage",)),
    ("data_grace_s", ("data_grace",)),
    ("dispute_window_s", ("dispute_window",)),
    ("esco_deposit", ("deposits", "esco")),
    ("owner_deposit", ("deposits", "owner")),
]
_TEMPLATE_FIELD = re.compile(r"(\w+): (\w+?)(?:_ppm)? ")


def key_of_message(message: str) -> KeyPath | None:
    """The file's key a check_terms message is about (the message without its prefix): the
    CLI names its line, the portal's form marks its field."""
    match = _TEMPLATE_FIELD.match(message)
    if match and match.group(1) in TEMPLATES:
        return (match.group(1), match.group(2))
    for words, key in _FIELDS:
        if message.startswith(words):
            return key
    if message[:1].isdigit() and "energy meters" in message:
        return ("meters",)
    return None


def dotted_key(key: KeyPath) -> str:
    """("shared_savings", "price") -> "shared_savings.price": a key as the form names it."""
    return ".".join(str(k) for k in key)


# -- back to TOML ---------------------------------------------------------------------------------


def terms_to_toml(terms: Terms, baseline_file: str = "baseline.pb") -> str:
    """A terms file for `terms` (`contract show --toml`); the baseline table is not embedded:
    `baseline_file` names where to save it (its hash is in the comment)."""
    period = {v: k for k, v in PERIODS.items()}[terms.period]
    start = datetime.date(1970, 1, 1) + datetime.timedelta(seconds=terms.start)
    unit = TABLE_UNITS.get(terms.baseline.unit, "mWh")
    meters = ", ".join(f'"{m}"' for m in terms.meters)
    lines = [
        f'contract_id = "{terms.contract_id}"',
        f"title = {_quote(terms.title)}",
        f'template = "{terms.WhichOneof("template")}"',
        f'site = "{terms.site_id}"',
        f"meters = [{meters}]",
        f'weather_meter = "{terms.weather_meter}"',
        f'currency = "{terms.currency}"',
        f'start = "{start.isoformat()}"',
        f'period = "{period}"',
        f"periods = {terms.periods}",
        f'baseline = "{baseline_file}"   # table hash {baseline.table_hash(terms.baseline)}',
        f'min_coverage = "{q.format_ratio(terms.min_coverage_ppm)}"',
        f'data_grace = "{q.format_duration(terms.data_grace_s)}"',
        f'dispute_window = "{q.format_duration(terms.dispute_window_s)}"',
        "",
        "[parties]",
        *(f'{role} = "{getattr(terms, role)}"' for role in ROLES),
        "",
        "[deposits]",
        f'esco = "{q.plain_amount(terms.esco_deposit)}"',
        f'owner = "{q.plain_amount(terms.owner_deposit)}"',
        "",
        f"[{terms.WhichOneof('template')}]",
        *_template_lines(terms, unit),
    ]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _template_lines(terms: Terms, unit: str) -> list[str]:
    name = terms.WhichOneof("template")
    params = getattr(terms, str(name))
    out: list[str] = []
    for field in params.DESCRIPTOR.fields:
        value = getattr(params, field.name)
        key = field.name.removesuffix("_ppm")
        if field.name.endswith("_ppm"):
            text = q.format_ratio(value)
        elif field.name == "guarantee":
            text = q.format_energy(value, unit)
        elif field.name == "basis":
            text = {v: k for k, v in BASES.items()}[value]
        else:
            text = q.plain_amount(value)
        out.append(f'{key} = "{text}"')
    return out


def unit_of(terms: Terms) -> str:
    """The meters' base unit (mWh or mL), from the baseline table."""
    return TABLE_UNITS.get(terms.baseline.unit, "mWh")


def per_unit(terms: Terms) -> str:
    """What a price is per: "kWh" or "m3"."""
    return {"mWh": "kWh", "mL": "m3"}[unit_of(terms)]


__all__ = [
    "EXAMPLES",
    "TermsFileError",
    "example_path",
    "load_terms",
    "parse",
    "per_unit",
    "terms_to_toml",
    "unit_of",
]
