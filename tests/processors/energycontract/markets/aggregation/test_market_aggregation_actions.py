"""The aggregator agreement's actions against an in-memory ledger with BlockMeter meters and
ledger time: every rule a transaction can break, and the money each action moves."""

from __future__ import annotations

from smartblocks.ledger.keys import Signer
from smartblocks.processors.energycontract.markets.aggregation import rules
from smartblocks.protos.market_aggregation_pb2 import Dispute, Member

from .conftest import EUR, HOUR, START, World, criteria, rejected

KWH = 1_000_000  # mWh


def two_ders(world: World) -> None:
    """Community com-1 (4-hour epochs, 50 % commitment); alice and bob join with 10 kW each
    (20 kWh required an epoch) at 0.15 EUR/kWh and 50 EUR deposits."""
    world.open()
    world.der("alice")
    world.der("bob")
    world.join("alice")
    world.join("bob")


def test_open_needs_an_aggregator_key(world: World) -> None:
    stranger = Signer.generate()
    from smartblocks.processors.energycontract.markets.aggregation import txn

    rejected(
        world,
        lambda: world.ledger.apply(
            txn.open_community(
                stranger,
                community_id="com-x",
                name="x",
                currency="EUR",
                first_epoch_start=START,
                epoch_s=HOUR,
                criteria=criteria(),
            )
        ),
        "is not one of the 1 key\\(s\\) in setting smartblocks.energycontract.aggregators",
    )
    world.open()
    rejected(world, world.open, "community id com-1 is taken")


def test_join_locks_the_deposit_in_the_vault(world: World) -> None:
    two_ders(world)
    assert world.vault("alice") == 50 * EUR
    assert world.balance(world.ders["alice"]) == 950 * EUR
    community = world.community()
    assert list(community.members) == sorted(d.public_key for d in world.ders.values())
    assert world.member("alice").status == Member.ACTIVE


def test_join_criteria(world: World) -> None:
    world.open(criteria=criteria(max_members=1))
    world.der("alice")
    world.der("bob")
    rejected(world, lambda: world.join("alice", capacity_w=500), "capacity 500 W is outside")
    rejected(world, lambda: world.join("alice", price=300_000), "requested price 300000")
    rejected(world, lambda: world.join("alice", deposit=EUR), "deposit 1000000 micro-EUR is below")
    rejected(
        world,
        lambda: world.join("alice", deposit=5_000 * EUR),
        "holds 1000000000 micro-EUR, less than the 5000000000 needed",
    )
    rejected(
        world,
        lambda: world.join("alice", der_meter="bob-pv"),
        "DER meter bob-pv is on site bob, owned by",
    )
    rejected(
        world,
        lambda: world.join("alice", connection_meter="bob-pv"),
        "connection meter bob-pv is on site bob, owned by .*, not by the aggregator",
    )
    world.join("alice")
    rejected(world, lambda: world.join("alice"), "is already a member")
    rejected(world, lambda: world.join("bob"), "the community is full \\(1 of 1 members\\)")


def test_sweep_pays_who_met_and_penalises_who_fell_short(world: World) -> None:
    two_ders(world)
    world.deliver("alice", START, [6 * KWH] * 4)  # 24 kWh >= 20 required
    world.deliver("bob", START, [3 * KWH] * 4)  # 12 kWh: 8 kWh short
    agg_before = world.balance(world.aggregator)
    total_before = world.total_money()
    world.sweep(0)
    record = world.epoch(0)
    alice, bob = (
        {o.der: o for o in record.outcomes}[world.ders[n].public_key] for n in ("alice", "bob")
    )
    assert (alice.required, alice.delivered, alice.met) == (20 * KWH, 24 * KWH, True)
    assert (alice.paid, alice.penalty) == (3_600_000, 0)  # 24 kWh x 0.15 EUR
    assert (bob.met, bob.paid, bob.penalty) == (False, 0, 800_000)  # 8 kWh x 0.10 EUR
    assert alice.der_digest == rules.window_digest("alice-pv", world.hours("alice-pv", 0))
    assert world.balance(world.ders["alice"]) == 950 * EUR + 3_600_000
    assert world.vault("bob") == 50 * EUR - 800_000
    assert world.balance(world.aggregator) == agg_before - 3_600_000 + 800_000
    assert world.total_money() == total_before
    assert world.community().swept_epochs == 1
    assert world.member("bob").penalised == 800_000


def test_sweep_order_time_and_data(world: World) -> None:
    two_ders(world)
    world.set_time(START + 2 * HOUR)
    rejected(world, lambda: world.sweep(1), "epoch 0 is the next to sweep")
    rejected(world, lambda: world.sweep(0), "the epoch ends 2027-03-01T04:00Z, after ledger time")
    world.deliver("alice", START, [6 * KWH] * 4)
    world.record("bob-cp", START, [6 * KWH] * 3)
    rejected(world, lambda: world.sweep(0), "meter bob-cp's data reaches 2027-03-01T03:00Z")
    rejected(world, lambda: world.sweep(0, signer=world.ders["alice"]), "neither the community")
    # After the data grace (one day), missing readings count as none: bob falls short.
    world.set_time(START + 4 * HOUR + 86_400)
    world.sweep(0, signer=world.operator)
    assert not {o.der: o for o in world.epoch(0).outcomes}[world.ders["bob"].public_key].met
    rejected(world, lambda: world.sweep(0), "the epoch is already swept")


def test_latecomers_wait_for_the_next_epoch(world: World) -> None:
    world.open()
    world.der("alice")
    world.set_time(START + HOUR)
    world.join("alice")
    world.set_time(START + 4 * HOUR)
    world.sweep(0)  # nobody's meters are read: alice joined after the epoch started
    assert list(world.epoch(0).outcomes) == []


def test_leave_waits_for_the_epoch_under_way(world: World) -> None:
    two_ders(world)
    world.set_time(START + HOUR)
    world.ledger.apply(
        __import__(
            "smartblocks.processors.energycontract.markets.aggregation.txn", fromlist=["leave"]
        ).leave(world.ders["bob"], community=world.community())
    )
    assert world.member("bob").status == Member.LEAVING
    assert world.member("bob").leaves_at == START + 4 * HOUR
    world.deliver("alice", START, [6 * KWH] * 4)
    world.deliver("bob", START, [6 * KWH] * 4)
    world.sweep(0)
    bob = world.member("bob")
    assert bob.status == Member.LEFT
    assert world.vault("bob") == 0
    assert world.balance(world.ders["bob"]) == 1_000 * EUR + 3_600_000
    assert world.ders["bob"].public_key not in world.community().members


def test_leave_before_any_epoch_returns_the_deposit_at_once(world: World) -> None:
    from smartblocks.processors.energycontract.markets.aggregation import txn

    world.open()
    world.der("alice")
    world.set_time(START + HOUR)
    world.join("alice")
    world.ledger.apply(txn.leave(world.ders["alice"], community=world.community()))
    assert world.member("alice").status == Member.LEFT
    assert world.balance(world.ders["alice"]) == 1_000 * EUR
    rejected(
        world,
        lambda: world.ledger.apply(txn.leave(world.ders["alice"], community=world.community())),
        "is not a member",
    )


def test_dispute_with_committed_evidence_and_adjustment(world: World) -> None:
    two_ders(world)
    # The connection meter lost two hours; the DER's own meter has them.
    world.deliver("bob", START, [6 * KWH, 6 * KWH, 0, 0], pv=[6 * KWH] * 4)
    world.deliver("alice", START, [6 * KWH] * 4)
    world.sweep(0)
    assert world.vault("bob") == 50 * EUR - 800_000  # 12 kWh delivered: 8 short
    world.dispute("bob", 0)
    found = world.dispute_record("bob", 0)
    assert (found.source, found.evidence_total, found.status) == (
        Dispute.SWEEP_DIGEST,
        24 * KWH,
        Dispute.OPEN,
    )
    rejected(world, lambda: world.dispute("bob", 0), "already disputed this epoch")
    rejected(
        world, lambda: world.resolve("bob", 0, "ADJUST", 25 * KWH), "outside 12000000..24000000"
    )
    rejected(
        world, lambda: world.resolve("bob", 0, "UPHOLD", signer=world.aggregator), "not one of"
    )
    total = world.total_money()
    bob_before = world.balance(world.ders["bob"])
    world.resolve("bob", 0, "ADJUST", 24 * KWH)
    found = world.dispute_record("bob", 0)
    # Now met: paid 24 kWh x 0.15 and the 0.80 penalty back, from the aggregator.
    assert (found.status, found.refund) == (Dispute.ADJUSTED, 3_600_000 + 800_000)
    assert world.balance(world.ders["bob"]) == bob_before + 4_400_000
    outcome = {o.der: o for o in world.epoch(0).outcomes}[world.ders["bob"].public_key]
    assert (outcome.met, outcome.paid, outcome.penalty, outcome.adjusted) == (
        True,
        3_600_000,
        0,
        True,
    )
    assert world.total_money() == total
    rejected(world, lambda: world.resolve("bob", 0, "UPHOLD"), "there is no open dispute")


def test_dispute_evidence_must_match_the_ledger(world: World) -> None:
    two_ders(world)
    world.deliver("alice", START, [6 * KWH] * 4)
    world.deliver("bob", START, [6 * KWH] * 4)
    world.sweep(0)
    forged = [rules.Hour(h.start, h.sum + 1, h.count) for h in world.hours("bob-pv", 0)]
    rejected(world, lambda: world.dispute("bob", 0, forged), "is neither the DER meter bob-pv")
    short = world.hours("bob-pv", 0)[:2]
    rejected(world, lambda: world.dispute("bob", 0, short), "must give each of the epoch's 4")
    world.set_time(world.time + 3 * 86_400)
    rejected(world, lambda: world.dispute("bob", 0), "the dispute window closed")


def test_dispute_with_readings_recorded_after_the_sweep(world: World) -> None:
    two_ders(world)
    world.deliver("alice", START, [6 * KWH] * 4)
    world.record("bob-cp", START, [3 * KWH] * 4)
    world.record("bob-pv", START, [3 * KWH] * 2)
    world.set_time(START + 4 * HOUR + 86_400)  # data grace over: the sweep goes ahead
    world.sweep(0)
    world.record("bob-pv", START + 2 * HOUR, [7 * KWH] * 2)  # late readings
    world.dispute("bob", 0)
    found = world.dispute_record("bob", 0)
    assert (found.source, found.evidence_total) == (Dispute.LEDGER, 20 * KWH)
    world.resolve("bob", 0, "UPHOLD")
    assert world.dispute_record("bob", 0).status == Dispute.UPHELD
    assert world.vault("bob") == 50 * EUR - 800_000


def test_only_members_of_the_epoch_dispute(world: World) -> None:
    two_ders(world)
    world.der("carol")
    world.set_time(START + HOUR)
    world.join("carol")
    world.deliver("alice", START, [6 * KWH] * 4)
    world.deliver("bob", START, [6 * KWH] * 4)
    world.sweep(0)
    rejected(world, lambda: world.dispute("carol", 0, world.hours("carol-pv", 0)), "took no part")


def test_admission_by_the_aggregator(world: World) -> None:
    from smartblocks.processors.energycontract.markets.aggregation import txn

    world.open()
    world.der("alice")
    world.der("mallory")
    world.join("alice", admit=False)
    # Mallory names alice's connection meter: only the aggregator can tell, so it refuses.
    world.join("mallory", connection_meter="alice-cp", admit=False)
    assert world.member("alice").status == Member.PENDING

    def decide(name: str, admit: bool, signer=None, reason: str = ""):
        return world.ledger.apply(
            txn.admit(
                signer or world.aggregator,
                community=world.community(),
                der=world.ders[name].public_key,
                admit=admit,
                reason=reason,
            )
        )

    rejected(world, lambda: decide("alice", True, world.ders["alice"]), "only the community's")
    decide("mallory", False, reason="alice-cp is not your connection point")
    mallory = world.member("mallory")
    assert (mallory.status, mallory.refusal) == (
        Member.LEFT,
        "alice-cp is not your connection point",
    )
    assert world.balance(world.ders["mallory"]) == 1_000 * EUR
    assert world.ders["mallory"].public_key not in world.community().members
    # Pending at the epoch's start: not in the epoch.
    world.set_time(START + HOUR)
    decide("alice", True)
    rejected(world, lambda: decide("alice", True), "is ACTIVE, not PENDING")
    world.set_time(START + 4 * HOUR)
    world.sweep(0)
    assert list(world.epoch(0).outcomes) == []
    assert world.member("alice").joined_at == START + HOUR


def test_a_sweep_the_aggregator_cannot_fund_is_refused(world: World) -> None:
    from smartblocks.processors.energycontract import txn as ec_txn

    two_ders(world)
    everything = world.balance(world.aggregator)
    stranger = Signer.generate()
    world.ledger.apply(
        ec_txn.transfer(
            world.aggregator, currency="EUR", to=stranger.public_key, amount=everything - 1
        )
    )
    world.deliver("alice", START, [6 * KWH] * 4)
    world.deliver("bob", START, [6 * KWH] * 4)
    rejected(world, lambda: world.sweep(0), "holds 1 micro-EUR, less than the 3600000 needed")


def test_notice_twice_and_leaving_while_pending(world: World) -> None:
    from smartblocks.processors.energycontract.markets.aggregation import txn

    two_ders(world)
    world.der("carol")
    world.join("carol", admit=False)
    world.set_time(START + HOUR)

    def leave(name: str):
        return world.ledger.apply(txn.leave(world.ders[name], community=world.community()))

    leave("alice")
    rejected(world, lambda: leave("alice"), "already gave notice; it leaves at 2027-03-01T04:00Z")
    leave("carol")  # never admitted: the deposit comes back at once
    assert world.member("carol").status == Member.LEFT
    assert world.balance(world.ders["carol"]) == 1_000 * EUR
