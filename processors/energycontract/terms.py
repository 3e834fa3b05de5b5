"""Terms as both parties sign them: the rules a proposal must meet before any state is read,
and the terms hash (SHA-256 of the deterministic serialization)."""

from __future__ import annotations

import hashlib
import re

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.payload import check_id, check_public_key, check_text
from smartblocks.protos.baseline_pb2 import BaselineTable
from smartblocks.protos.energycontract_pb2 import PeriodKind, Terms

from . import limits, schedule
from .templates import template_of

_CURRENCY = re.compile(limits.CURRENCY_PATTERN)


def terms_hash(terms: Terms) -> str:
    return hashlib.sha256(terms.SerializeToString(deterministic=True)).hexdigest()


def check_currency(what: str, code: str) -> None:
    if not _CURRENCY.fullmatch(code):
        raise InvalidTransaction(
            f"{what} {code[:20]!r} is not a currency code (3..12 of A-Z 0-9, starting with a "
            "letter: EUR, GBP)"
        )


def check_amount(what: str, amount: int, *, positive: bool = False) -> None:
    low = 1 if positive else 0
    if not low <= amount <= limits.MAX_AMOUNT:
        raise InvalidTransaction(
            f"{what} {amount} is not within {low}..{limits.MAX_AMOUNT} micro-units"
        )


def check_terms(terms: Terms) -> None:
    """Every rule of the terms that needs no state; the first broken one raises."""
    where = f"terms of contract {terms.contract_id or '(no id)'}"
    check_id("contract id", terms.contract_id)
    check_text(f"{where}: title", terms.title, max_length=limits.MAX_TEXT)
    for role in ("esco", "owner", "auditor"):
        check_public_key(f"{where}: {role}", getattr(terms, role))
    if len({terms.esco, terms.owner, terms.auditor}) != 3:
        raise InvalidTransaction(f"{where}: esco, owner and auditor must be three different keys")
    check_id(f"{where}: site id", terms.site_id)
    meters = list(terms.meters)
    if not 1 <= len(meters) <= limits.MAX_METERS:
        raise InvalidTransaction(
            f"{where}: {len(meters)} energy meters; a contract has 1..{limits.MAX_METERS}"
        )
    for meter in meters:
        check_id(f"{where}: meter id", meter)
    if len(set(meters)) != len(meters):
        twice = sorted({m for m in meters if meters.count(m) > 1})
        raise InvalidTransaction(f"{where}: meters overlap: {', '.join(twice)} listed twice")
    if meters != sorted(meters):
        raise InvalidTransaction(f"{where}: meters must be sorted ({', '.join(sorted(meters))})")
    check_id(f"{where}: weather meter", terms.weather_meter)
    if terms.weather_meter in meters:
        raise InvalidTransaction(
            f"{where}: meters overlap: weather meter {terms.weather_meter} is also an energy meter"
        )
    check_currency(f"{where}: currency", terms.currency)
    if terms.period not in schedule.PERIODS_PER_YEAR:
        raise InvalidTransaction(f"{where}: period must be WEEK, MONTH or YEAR")
    if not 0 <= terms.start <= limits.MAX_TIMESTAMP:
        raise InvalidTransaction(f"{where}: start {terms.start} is not a time after 1970")
    problem = schedule.start_problem(terms.period, terms.start)
    if problem:
        kind = PeriodKind.Name(terms.period)
        raise InvalidTransaction(f"{where}: start {terms.start} {problem} ({kind} periods)")
    if not 1 <= terms.periods <= limits.MAX_PERIODS:
        raise InvalidTransaction(
            f"{where}: periods {terms.periods} is not within 1..{limits.MAX_PERIODS}"
        )
    if schedule.term_end(terms) > limits.MAX_TIMESTAMP:
        raise InvalidTransaction(f"{where}: the term ends after 9999")
    if not terms.HasField("baseline"):
        raise InvalidTransaction(f"{where}: no baseline table")
    try:
        baseline.validate(terms.baseline)
    except InvalidTransaction as exc:
        raise InvalidTransaction(f"{where}: {exc}") from None
    check_baseline_provenance(f"{where}: baseline table", terms.baseline)
    if not 0 <= terms.min_coverage_ppm <= 1_000_000:
        raise InvalidTransaction(
            f"{where}: min_coverage_ppm {terms.min_coverage_ppm} is not within 0..1,000,000"
        )
    for name in ("data_grace_s", "dispute_window_s"):
        value = getattr(terms, name)
        if not 0 <= value <= limits.MAX_WINDOW_S:
            raise InvalidTransaction(
                f"{where}: {name} {value} is not within 0..{limits.MAX_WINDOW_S} s (366 days)"
            )
    check_amount(f"{where}: esco_deposit", terms.esco_deposit)
    check_amount(f"{where}: owner_deposit", terms.owner_deposit)
    template, params = template_of(terms)
    try:
        template.check(params)
    except InvalidTransaction as exc:
        raise InvalidTransaction(f"{where}: {template.NAME}: {exc}") from None


def check_baseline_provenance(where: str, table: BaselineTable) -> None:
    """The table's record of what it was fitted on (protos/baseline.proto fit_*), when set:
    only its form, which needs no state (whether those meters had readings then is for the
    parties and the auditor to see)."""
    meters = list(table.fit_meters)
    if len(meters) > limits.MAX_METERS:
        raise InvalidTransaction(
            f"{where}: fitted on {len(meters)} meters; at most {limits.MAX_METERS}"
        )
    for meter in meters:
        check_id(f"{where}: fit meter", meter)
    if meters != sorted(set(meters)):
        raise InvalidTransaction(
            f"{where}: fit meters must be sorted and unique ({', '.join(meters)})"
        )
    weather = table.fit_weather_meter
    if bool(meters) != bool(weather):
        raise InvalidTransaction(
            f"{where}: fit meters ({', '.join(meters) or 'none'}) and fit weather meter "
            f"({weather or 'none'}) go together: set both or neither"
        )
    if weather:
        check_id(f"{where}: fit weather meter", weather)
        if weather in meters:
            raise InvalidTransaction(f"{where}: fit weather meter {weather} is also a fit meter")
    start, end = table.fit_start, table.fit_end
    if (start, end) != (0, 0) and not 0 <= start < end <= limits.MAX_TIMESTAMP:
        raise InvalidTransaction(
            f"{where}: fit period {start}..{end} is not 0 <= start < end <= "
            f"{limits.MAX_TIMESTAMP} (Unix seconds; both 0 when not recorded)"
        )
