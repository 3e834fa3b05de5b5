"""The cost of the portal's Members and Overview pages (clients/portal/member_pages.py) on a
large ledger state: every record they read is decoded from the index (protobuf), so
their time grows with the records, not with the blocks.

A portal index is filled with synthetic current state (sites, meters and heads, BlockPredict
scores, contracts with monthly settlements) and the pages' functions run on it: `cold` decodes
every record (the first request), `warm` reuses the decoded records that did not change
(`ledger_records.DecodedCache`, what a running portal does between blocks). The best of 3 runs.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

from bench import harness
from smartblocks.clients.portal.index import ChainIndex
from smartblocks.clients.portal.ledger_records import DecodedCache, read_records
from smartblocks.clients.portal.members import members
from smartblocks.clients.portal.overview import overview
from smartblocks.clients.portal.reputation import reputations
from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import addressing as bma
from smartblocks.processors.blockpredict import addressing as bpa
from smartblocks.processors.energycontract import addressing as eca
from smartblocks.protos import blockmeter_pb2 as bm
from smartblocks.protos import blockpredict_pb2 as bp
from smartblocks.protos import energycontract_pb2 as ec

DAY = 86_400


def state(sites: int, meters_per_site: int, scores: int, contracts: int, periods: int) -> list:
    keys = [Signer.generate().public_key for _ in range(300)]
    rows: list[tuple[str, bytes]] = []
    for s in range(sites):
        site_id = f"site-{s}"
        site = bm.Site(site_id=site_id, owner_public_key=keys[s % 300], created_by=keys[0])
        rows.append((bma.site_address(site_id), site.SerializeToString()))
        for m in range(meters_per_site):
            meter_id = f"{site_id}-m{m}"
            meter = bm.Meter(meter_id=meter_id, site_id=site_id, device_keys=[keys[(s + 1) % 300]])
            head = bm.MeterHead(
                meter_id=meter_id, first_window_start=DAY, last_window_end=400 * DAY
            )
            rows.append((bma.meter_address(meter_id), meter.SerializeToString()))
            rows.append((bma.meter_head_address(meter_id), head.SerializeToString()))
    for i in range(scores):
        meter_id, issuer = f"site-{i % sites}-m0", keys[i % 7]
        score = bp.Score(
            meter_id=meter_id,
            issuer=issuer,
            sums=bp.ErrorSums(slots=24),
            metrics=bp.Metrics(cv_rmse_ppm=50_000 + i % 1000),
        )
        rows.append((bpa.score_address(meter_id, DAY * i, issuer), score.SerializeToString()))
    for c in range(contracts):
        contract_id = f"c-{c}"
        terms = ec.Terms(
            contract_id=contract_id,
            esco=keys[10 + c % 20],
            owner=keys[c % 100],
            auditor=keys[299],
            site_id=f"site-{c % sites}",
            meters=[f"site-{c % sites}-m0"],
            currency="EUR",
            periods=periods,
        )
        contract = ec.Contract(
            contract_id=contract_id, terms=terms, status=ec.Contract.ACTIVE, settled_periods=periods
        )
        rows.append((eca.contract_address(contract_id), contract.SerializeToString()))
        for p in range(periods):
            payment = ec.Payment(
                reason="shared_savings.esco_share",
                payer=terms.owner,
                payee=terms.esco,
                due=100,
                from_account=100,
            )
            settlement = ec.Settlement(contract_id=contract_id, period=p, payments=[payment])
            rows.append((eca.settlement_address(contract_id, p), settlement.SerializeToString()))
    return rows


def best_ms(work: Callable[[], Any], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times) * 1000


def run(quick: bool) -> list[dict[str, Any]]:
    sizes = (
        {"sites": 10, "meters_per_site": 5, "scores": 500, "contracts": 10, "periods": 12}
        if quick
        else {
            "sites": 100,
            "meters_per_site": 10,
            "scores": 20_000,
            "contracts": 200,
            "periods": 12,
        }
    )
    rows = state(**sizes)
    with tempfile.TemporaryDirectory() as folder:
        index = ChainIndex(os.path.join(folder, "portal-index.sqlite"))
        try:
            index.db.execute("BEGIN")
            index.db.executemany(
                "INSERT OR REPLACE INTO current_state VALUES (?, ?, 0, NULL)", rows
            )
            index.db.execute("COMMIT")
            cache = DecodedCache()

            def member_page(cache: DecodedCache | None) -> Any:
                records = read_records(index, cache)
                return members(records, {}, reputations(records))

            params = {**sizes, "records": len(rows), "load_average_1m": os.getloadavg()[0]}
            figures = [
                harness.figure(
                    "members_cold_ms", best_ms(lambda: member_page(None)), "ms", **params
                ),
                harness.figure(
                    "overview_cold_ms",
                    best_ms(lambda: overview(read_records(index))),
                    "ms",
                    **params,
                ),
            ]
            member_page(cache)  # fill the cache, as the first request does
            figures += [
                harness.figure(
                    "members_warm_ms", best_ms(lambda: member_page(cache)), "ms", **params
                ),
                harness.figure(
                    "overview_warm_ms",
                    best_ms(lambda: overview(read_records(index, cache))),
                    "ms",
                    **params,
                ),
            ]
        finally:
            index.close()
    for f in figures:
        print(f"{f['figure']}: {f['value']:.0f} ms ({len(rows):,} records)")
    return figures
