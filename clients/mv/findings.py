"""Findings as data: a code, a severity, a description and the values behind it (never log text).

A disqualification stops a baseline from being signed; a warning is shown to both parties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DISQUALIFICATION = "disqualification"
WARNING = "warning"
PASS = "pass"


@dataclass(frozen=True)
class Finding:
    code: str  # e.g. "sufficiency.coverage"
    severity: str  # DISQUALIFICATION, WARNING or PASS (a rule checked and met)
    description: str
    values: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "description": self.description,
            "values": self.values,
        }

    def line(self) -> str:
        values = ", ".join(f"{k}={v}" for k, v in self.values.items())
        return f"{self.severity:<16} {self.code}: {self.description}" + (
            f" ({values})" if values else ""
        )


def disqualified(findings: list[Finding]) -> bool:
    return any(f.severity == DISQUALIFICATION for f in findings)
