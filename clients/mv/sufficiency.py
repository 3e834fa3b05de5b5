"""CalTRACK's baseline data rules, checked on DailyData and reported as coded findings.

Every rule gives a finding, met or not (severity PASS when met), with the values it looked at,
so a disqualified baseline says exactly why and a portal can show the same list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from smartblocks.processors.kit.periods import day_name, month_name

from .data import HOURS_PER_DAY, DailyData, DailySeries, HourlyData
from .findings import DISQUALIFICATION, PASS, WARNING, Finding
from .settings import SufficiencySettings


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _baseline_length(data: DailyData | HourlyData, settings: SufficiencySettings) -> Finding:
    days = len(data.days)
    period = {"from": day_name(data.first_day), "to": day_name(data.end_day - 1)}
    return Finding(
        "sufficiency.baseline_length",
        PASS if days >= settings.baseline_days else DISQUALIFICATION,
        f"the baseline spans {days} days; CalTRACK needs {settings.baseline_days}",
        {**period, "days": days, "required_days": settings.baseline_days},
    )


def _quality(
    energy: DailySeries,
    temperature: DailySeries,
    slots: Sequence[int],
    unit: str,
    name: Callable[[int], str],
    settings: SufficiencySettings,
) -> list[Finding]:
    """Negative energy, flagged readings and gaps over `slots` (days or hours, named `unit`),
    then the series' own findings: the same rules for the daily and the hourly model."""
    negative = [name(slot) for slot in slots if energy.values.get(slot, 0) < 0]
    flagged = [slot for slot in slots if energy.flagged.get(slot)]
    flagged_share = _share(len(flagged), len(slots))
    findings = [
        Finding(
            "sufficiency.negative_energy",
            DISQUALIFICATION if negative else PASS,
            f"{len(negative)} {unit} with negative energy (a net or misread meter)",
            {unit: len(negative), "first": negative[:5]},
        ),
        Finding(
            "sufficiency.flagged_readings",
            DISQUALIFICATION
            if flagged_share > settings.max_flagged_share
            else (WARNING if flagged else PASS),
            f"{len(flagged)} {unit} hold flagged readings (BlockMeter quality flags)",
            {
                unit: len(flagged),
                "readings": sum(energy.flagged.values()),
                "share": round(flagged_share, 4),
                "max_share": settings.max_flagged_share,
            },
        ),
    ]
    for series, what in ((energy, "energy"), (temperature, "temperature")):
        if series.gap_count:
            findings.append(
                Finding(
                    f"sufficiency.{what}_gaps",
                    WARNING,
                    f"{series.source}: {series.gap_count} gaps in the readings, "
                    f"{series.gap_seconds} s missing",
                    {"gaps": series.gap_count, "gap_seconds": series.gap_seconds},
                )
            )
        findings += series.findings
    return findings


def check_baseline(data: DailyData, settings: SufficiencySettings) -> list[Finding]:
    """The baseline period's findings: length, coverage, negative values, flags and gaps."""
    findings = [_baseline_length(data, settings)]
    days = len(data.days)
    energy_days = sum(1 for d in data.days if d in data.energy.values)
    temperature_days = sum(1 for d in data.days if d in data.temperature.values)
    complete = len(data.complete_days())
    for code, what, count in (
        ("sufficiency.energy_coverage", "energy", energy_days),
        ("sufficiency.temperature_coverage", "temperature", temperature_days),
        ("sufficiency.joint_coverage", "both energy and temperature", complete),
    ):
        share = _share(count, days)
        findings.append(
            Finding(
                code,
                PASS if share >= settings.min_coverage else DISQUALIFICATION,
                f"{count} of {days} days have {what} ({share:.1%}); "
                f"at least {settings.min_coverage:.0%} needed",
                {
                    "days_with_data": count,
                    "days": days,
                    "coverage": round(share, 4),
                    "min_coverage": settings.min_coverage,
                },
            )
        )
    findings += _quality(data.energy, data.temperature, data.days, "days", day_name, settings)
    return findings


def check_reporting(data: DailyData, settings: SufficiencySettings) -> list[Finding]:
    """The reporting period's coverage: avoided energy is counted only on complete days."""
    return _reporting(data, len(data.complete_days()), len(data.days), "days", settings)


def _reporting(
    data: DailyData | HourlyData,
    complete: int,
    total: int,
    unit: str,
    settings: SufficiencySettings,
) -> list[Finding]:
    """The reporting coverage over `total` days or hours (`unit`), then the series' findings."""
    share = _share(complete, total)
    findings = [
        Finding(
            "sufficiency.reporting_coverage",
            PASS if share >= settings.min_coverage else WARNING,
            f"{complete} of {total} reporting {unit} have both energy and temperature "
            f"({share:.1%})",
            {f"{unit}_with_data": complete, unit: total, "coverage": round(share, 4)},
        )
    ]
    for series in (data.energy, data.temperature):
        findings += series.findings
    return findings


# -- hourly: CalTRACK's hourly rules ---------------------------------------------------------


def _hour_name(hour: int) -> str:
    return f"{day_name(hour // HOURS_PER_DAY)}T{hour % HOURS_PER_DAY:02}Z"


def check_baseline_hourly(data: HourlyData, settings: SufficiencySettings) -> list[Finding]:
    """The baseline's findings for the hourly model: length, hourly coverage of energy,
    temperature and both in every calendar month (CalTRACK's hourly method fits one model per
    month, so each month must be covered), negative hours, flagged hours and gaps."""
    findings = [_baseline_length(data, settings)]
    months: dict[str, list[int]] = {}
    for hour in data.hours:
        months.setdefault(month_name(hour // HOURS_PER_DAY), []).append(hour)
    energy, temperature = data.energy.values, data.temperature.values
    for code, what, has in (
        ("sufficiency.hourly_energy_coverage", "energy", lambda h: h in energy),
        ("sufficiency.hourly_temperature_coverage", "temperature", lambda h: h in temperature),
        (
            "sufficiency.hourly_joint_coverage",
            "both energy and temperature",
            lambda h: h in energy and h in temperature,
        ),
    ):
        shares = {
            month: _share(sum(1 for h in hours if has(h)), len(hours))
            for month, hours in months.items()
        }
        short = {m: round(v, 4) for m, v in shares.items() if v < settings.min_coverage}
        worst = min(shares, key=lambda m: shares[m])
        findings.append(
            Finding(
                code,
                DISQUALIFICATION if short else PASS,
                f"{len(short)} of {len(shares)} months have {what} in fewer than "
                f"{settings.min_coverage:.0%} of their hours (lowest {worst}: "
                f"{shares[worst]:.1%})",
                {
                    "months": len(shares),
                    "months_short": short,
                    "lowest_month": worst,
                    "lowest_coverage": round(shares[worst], 4),
                    "min_coverage": settings.min_coverage,
                },
            )
        )
    findings += _quality(data.energy, data.temperature, data.hours, "hours", _hour_name, settings)
    return findings


def check_reporting_hourly(data: HourlyData, settings: SufficiencySettings) -> list[Finding]:
    """The reporting period's hourly coverage: avoided energy counts only complete hours."""
    return _reporting(data, len(data.complete_hours()), len(data.hours), "hours", settings)
