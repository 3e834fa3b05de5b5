"""A party's reputation, derived only from ledger records, in integer ppm (docs/portal.md).

Anyone holding the ledger can recompute it: every input is a count or an energy sum over
EnergyContract settlements, BlockPredict scores and the markets' records, every division rounds
down (FLOOR), and the page links each input to its records. Components that have no input for a
key do not apply to it (a key that never owed money has no payment record, not a perfect or a
bad one):

    payments  = dues paid in full when settled x 10⁶ / dues owed          (settlement payments)
    disputes  = disputes won x 10⁶ / disputes decided       (contract and epoch disputes it raised)
    forecasts = max(0, 10⁶ - Σ CV(RMSE) ppm / scored forecasts)           (its forecasts' scores)
    delivery  = Σ energy kept x 10⁶ / Σ energy owed           (its delivery obligations, in mWh)
    reputation = Σ applicable components / number of applicable components

Dues are the payments a settlement or a dispute resolution records with the key as payer,
arrears (an earlier due paid late) left out: a due counts once, as paid in full or not, at the
settlement that made it. A dispute is won when the settlement's auditor or the markets' operator
ADJUSTED it, lost when UPHELD; open disputes are shown but not decided.

Delivery obligations, each proved on-chain from BlockMeter readings (docs/markets.md):
- P2P: a SETTLED offer as seller owes `energy`, keeps min(delivered, energy);
- aggregator agreements: each swept epoch's outcome for a DER owes `required`, keeps
  min(max(delivered, 0), required): all of it when the commitment was met (a resolution that
  ADJUSTED the epoch already corrected `delivered`);
- local auction: each settled step where a member sold more than it bought owes O = sold - bought
  and keeps min(max(export - import, 0), O); net buyers owe no delivery (their overruns are
  paid at the supplier's price).
The automated supplier's H factor is left out: it is that supplier's own score, by its own
parameters, and the members page shows it as such.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from smartblocks.protos import energycontract_pb2 as ec
from smartblocks.protos import market_aggregation_pb2 as agg
from smartblocks.protos import market_p2p_pb2 as p2p

from .ledger_records import LedgerRecords

PPM = 1_000_000
ARREARS = "arrears"  # processors/energycontract/settlement.py: an earlier due, paid late

FORMULAS = {
    "payments": "dues paid in full when settled x 1,000,000 / dues owed, rounded down",
    "disputes": (
        "disputes won x 1,000,000 / disputes decided (won + lost), rounded down, over the "
        "contract settlements and aggregator epochs it disputed"
    ),
    "forecasts": (
        "1,000,000 - (Σ CV(RMSE) ppm of its scored forecasts / scored forecasts, rounded down), "
        "at least 0"
    ),
    "delivery": (
        "energy kept x 1,000,000 / energy owed, rounded down, over its delivery obligations: "
        "settled P2P offers it sold (owed: the offer), swept aggregator epochs as a DER (owed: "
        "the commitment) and settled auction steps where it sold more than it bought (owed: "
        "sold - bought); kept: what its meters delivered, at most what was owed"
    ),
    "reputation": "Σ applicable components / number of applicable components, rounded down",
}
TITLES = {
    "payments": "Settlements honoured on time",
    "disputes": "Disputes raised and won",
    "forecasts": "Forecast accuracy",
    "delivery": "Delivery proofs",
}


def _component(name: str, value: int | None, inputs: dict[str, int], records: list[str]) -> dict:
    return {
        "name": name,
        "title": TITLES[name],
        "applies": value is not None,
        "value_ppm": value,
        "formula": FORMULAS[name],
        "inputs": inputs,
        "records": sorted(set(records)),
    }


def reputations(records: LedgerRecords) -> dict[str, dict[str, Any]]:
    """Every key that has at least one input, with its components and overall figure."""
    dues: dict[str, dict[str, int]] = defaultdict(_no_dues)
    due_records: dict[str, list[str]] = defaultdict(list)
    disputes: dict[str, dict[str, int]] = defaultdict(_no_disputes)
    dispute_records: dict[str, list[str]] = defaultdict(list)
    for found in records.settlements:
        settlement = found.record
        payments = list(settlement.payments)
        dispute = settlement.dispute if settlement.HasField("dispute") else None
        if dispute is not None:
            payments += list(dispute.payments)
        for payment in payments:
            counts = dues[payment.payer]
            due_records[payment.payer].append(found.address)
            if payment.reason == ARREARS:
                counts["arrears_paid"] += payment.unpaid == 0
                continue
            counts["dues"] += 1
            if payment.unpaid == 0:
                counts["paid_in_full"] += 1
            elif payment.unpaid < payment.due:
                counts["paid_in_part"] += 1
            else:
                counts["not_paid"] += 1
        if dispute is not None and dispute.raised_by:
            counts = disputes[dispute.raised_by]
            dispute_records[dispute.raised_by].append(found.address)
            counts["raised"] += 1
            if dispute.status == ec.DisputeRecord.ADJUSTED:
                counts["won"] += 1
            elif dispute.status == ec.DisputeRecord.UPHELD:
                counts["lost"] += 1
            else:
                counts["open"] += 1

    # The aggregator agreements' disputes: a DER disputes an epoch, the operator decides.
    for found_dispute in records.epoch_disputes:
        epoch_dispute = found_dispute.record
        counts = disputes[epoch_dispute.der]
        dispute_records[epoch_dispute.der].append(found_dispute.address)
        counts["raised"] += 1
        if epoch_dispute.status == agg.Dispute.ADJUSTED:
            counts["won"] += 1
        elif epoch_dispute.status == agg.Dispute.UPHELD:
            counts["lost"] += 1
        else:
            counts["open"] += 1

    forecasts: dict[str, dict[str, int]] = defaultdict(_no_forecasts)
    forecast_records: dict[str, list[str]] = defaultdict(list)
    for scored_record in records.scores:
        score = scored_record.record
        counts = forecasts[score.issuer]
        forecast_records[score.issuer].append(scored_record.address)
        if score.sums.slots == 0:
            counts["without_scored_slots"] += 1  # nothing to score against: left out
            continue
        counts["scored"] += 1
        counts["cv_rmse_ppm_sum"] += score.metrics.cv_rmse_ppm

    deliveries, delivery_records = _deliveries(records)

    arrears_now = _arrears_outstanding(records)
    keys = sorted(set(dues) | set(disputes) | set(forecasts) | set(deliveries) | set(arrears_now))
    result = {}
    for key in keys:
        paid = {**dues.get(key, _no_dues()), "contracts_in_arrears": arrears_now.get(key, 0)}
        payments_ppm = paid["paid_in_full"] * PPM // paid["dues"] if paid["dues"] else None
        argued = disputes.get(key, _no_disputes())
        decided = argued["won"] + argued["lost"]
        disputes_ppm = argued["won"] * PPM // decided if decided else None
        scored = forecasts.get(key, _no_forecasts())
        if scored["scored"]:
            mean_cv = scored["cv_rmse_ppm_sum"] // scored["scored"]
            scored = {**scored, "mean_cv_rmse_ppm": mean_cv}
            forecasts_ppm: int | None = max(0, PPM - mean_cv)
        else:
            forecasts_ppm = None
        sold = deliveries.get(key) or _without_idle_markets(_no_deliveries())
        delivery_ppm = (
            sold["energy_kept_mwh"] * PPM // sold["energy_owed_mwh"]
            if sold["energy_owed_mwh"]
            else None
        )
        components = [
            _component("payments", payments_ppm, paid, due_records.get(key, [])),
            _component("disputes", disputes_ppm, dict(argued), dispute_records.get(key, [])),
            _component("forecasts", forecasts_ppm, dict(scored), forecast_records.get(key, [])),
            _component("delivery", delivery_ppm, sold, delivery_records.get(key, [])),
        ]
        values = [c["value_ppm"] for c in components if c["applies"]]
        result[key] = {
            "key": key,
            "reputation_ppm": sum(values) // len(values) if values else None,
            "formula": FORMULAS["reputation"],
            "components": components,
        }
    return result


def _no_dues() -> dict[str, int]:
    return {"dues": 0, "paid_in_full": 0, "paid_in_part": 0, "not_paid": 0, "arrears_paid": 0}


def _no_disputes() -> dict[str, int]:
    return {"raised": 0, "won": 0, "lost": 0, "open": 0}


def _no_forecasts() -> dict[str, int]:
    return {"scored": 0, "cv_rmse_ppm_sum": 0, "without_scored_slots": 0}


def _no_deliveries() -> dict[str, int]:
    return {
        "trades_settled": 0,
        "energy_offered_mwh": 0,
        "energy_delivered_mwh": 0,
        "epochs_swept": 0,
        "epochs_met": 0,
        "epoch_required_mwh": 0,
        "epoch_delivered_mwh": 0,
        "steps_sold": 0,
        "step_sold_mwh": 0,
        "step_exported_mwh": 0,
        "energy_owed_mwh": 0,
        "energy_kept_mwh": 0,
    }


def _deliveries(
    records: LedgerRecords,
) -> tuple[dict[str, dict[str, int]], dict[str, list[str]]]:
    """Every key's delivery obligations over the three markets that record them, in mWh, and
    the records they come from. Kept energy never exceeds what was owed: over-delivery in one
    obligation does not make up for a shortfall in another."""
    found: dict[str, dict[str, int]] = defaultdict(_no_deliveries)
    sources: dict[str, list[str]] = defaultdict(list)

    def owed(key: str, address: str, owe: int, kept: int) -> dict[str, int]:
        counts = found[key]
        sources[key].append(address)
        counts["energy_owed_mwh"] += owe
        counts["energy_kept_mwh"] += kept
        return counts

    for found_offer in records.offers:
        offer = found_offer.record
        if offer.status != p2p.Offer.SETTLED:
            continue  # open, picked or cancelled: nothing delivered to judge yet
        kept = min(offer.delivered, offer.energy)
        counts = owed(offer.seller, found_offer.address, offer.energy, kept)
        counts["trades_settled"] += 1
        counts["energy_offered_mwh"] += offer.energy
        counts["energy_delivered_mwh"] += kept

    for found_epoch in records.epochs:
        for outcome in found_epoch.record.outcomes:
            kept = min(max(outcome.delivered, 0), outcome.required)
            counts = owed(outcome.der, found_epoch.address, outcome.required, kept)
            counts["epochs_swept"] += 1
            counts["epochs_met"] += outcome.met
            counts["epoch_required_mwh"] += outcome.required
            counts["epoch_delivered_mwh"] += kept

    for found_step in records.auction_steps:
        step = found_step.record
        if not step.settled:
            continue  # cleared or open: the meters have not been read against it yet
        for result in step.results:
            obligation = result.sold_mwh - result.bought_mwh
            if obligation <= 0:
                continue  # a net buyer owes no delivery
            kept = min(max(result.export_mwh - result.import_mwh, 0), obligation)
            counts = owed(result.member, found_step.address, obligation, kept)
            counts["steps_sold"] += 1
            counts["step_sold_mwh"] += obligation
            counts["step_exported_mwh"] += kept
    return {key: _without_idle_markets(counts) for key, counts in found.items()}, dict(sources)


# Each market's counters, led by the one that says whether the key had an obligation there.
_MARKET_COUNTERS = (
    ("trades_settled", "energy_offered_mwh", "energy_delivered_mwh"),
    ("epochs_swept", "epochs_met", "epoch_required_mwh", "epoch_delivered_mwh"),
    ("steps_sold", "step_sold_mwh", "step_exported_mwh"),
)


def _without_idle_markets(counts: dict[str, int]) -> dict[str, int]:
    """The page lists only the markets a key owed delivery in (the totals always)."""
    idle = {name for group in _MARKET_COUNTERS if not counts[group[0]] for name in group}
    return {name: value for name, value in counts.items() if name not in idle}


def _arrears_outstanding(records: LedgerRecords) -> dict[str, int]:
    """How many contracts a party owes arrears on now (shown, not scored: the dues behind them
    already count as not paid in full). Counted, not summed: contracts differ in currency."""
    owing: dict[str, int] = defaultdict(int)
    for found in records.contracts:
        contract = found.record
        if contract.state.owed_by_owner:
            owing[contract.terms.owner] += 1
        if contract.state.owed_by_esco:
            owing[contract.terms.esco] += 1
    return dict(owing)
