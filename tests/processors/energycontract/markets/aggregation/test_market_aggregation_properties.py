"""Properties of the aggregator agreement over random sequences of actions on an in-memory
ledger: money is conserved after every step (issue aside), no epoch is swept twice and no dispute
resolved twice, the vault never pays out more than was deposited, and the same actions give the
same state bytes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.energycontract.markets.aggregation import records, txn

from .conftest import EUR, HOUR, START, World

KWH = 1_000_000
DERS = ("alice", "bob", "carol")

step = st.one_of(
    st.tuples(st.just("join"), st.sampled_from(DERS), st.integers(1, 30)),  # kW
    st.tuples(st.just("apply"), st.sampled_from(DERS)),  # joins, not admitted yet
    st.tuples(st.just("admit"), st.sampled_from(DERS), st.booleans()),
    st.tuples(st.just("leave"), st.sampled_from(DERS)),
    # One more hour of readings of every DER: (kWh at the connection point, kWh at the DER).
    st.tuples(
        st.just("hour"),
        st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=3, max_size=3),
    ),
    st.tuples(st.just("hour"), st.just([(6, 6)] * 3)),
    st.tuples(st.just("sweep"), st.none()),  # the next epoch
    st.tuples(st.just("sweep"), st.integers(0, 2)),  # any, again included
    st.tuples(st.just("dispute"), st.sampled_from(DERS), st.integers(0, 1)),
    st.tuples(
        st.just("resolve"),
        st.sampled_from(DERS),
        st.integers(0, 3),
        st.booleans(),
        st.integers(0, 60),
    ),
    st.tuples(st.just("wait"), st.integers(1, 6)),  # hours
)


def run(steps: list[tuple]) -> tuple[World, list[int]]:
    """The world after `steps` (rejected ones change nothing), and the money in accounts and
    escrows after each step, less what it was before the first."""
    world = World()
    world.open(epoch_s=2 * HOUR, data_grace_s=3 * HOUR, dispute_window_s=12 * HOUR)
    for name in DERS:
        world.der(name, funds=200 * EUR)
    world.set_time(START - HOUR)
    world.join("alice")
    world.join("bob", capacity_w=20_000)
    hour = START
    before = world.total_money()
    drift: list[int] = []
    for item in steps:
        kind = item[0]
        try:
            if kind == "join":
                world.join(item[1], capacity_w=item[2] * 1000)
            elif kind == "apply":
                world.join(item[1], admit=False)
            elif kind == "admit":
                world.ledger.apply(
                    txn.admit(
                        world.aggregator,
                        community=world.community(),
                        der=world.ders[item[1]].public_key,
                        admit=item[2],
                        reason="" if item[2] else "not our connection point",
                    )
                )
            elif kind == "leave":
                world.ledger.apply(txn.leave(world.ders[item[1]], community=world.community()))
            elif kind == "hour":
                for name, (cp, pv) in zip(DERS, item[1], strict=True):
                    world.deliver(name, hour, [cp * KWH], [pv * KWH])
                hour += HOUR
            elif kind == "sweep":
                world.sweep(world.community().swept_epochs if item[1] is None else item[1])
            elif kind == "dispute":
                world.dispute(item[1], item[2])
            elif kind == "resolve":
                _, name, epoch, adjust, kwh = item
                world.resolve(name, epoch, "ADJUST" if adjust else "UPHOLD", kwh * KWH // 2)
            else:
                world.set_time(world.time + item[1] * HOUR)
        except InvalidTransaction:
            pass
        drift.append(world.total_money() - before)
    return world, drift


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=40))
def test_money_is_conserved_and_nothing_settles_twice(steps: list[tuple]) -> None:
    world, drift = run(steps)
    assert set(drift) <= {0}
    community = world.community()
    # Epochs were swept in order, each once: one record per number below swept_epochs.
    for n in range(community.swept_epochs):
        record = world.epoch(n)
        assert record.epoch == n
        ders = [o.der for o in record.outcomes]
        assert ders == sorted(set(ders))
        assert record.paid == sum(o.paid for o in record.outcomes)
        assert record.penalties == sum(o.penalty for o in record.outcomes)
    assert records.epoch("com-1", community.swept_epochs).address not in world.ledger.state
    for name in DERS:
        if records.member("com-1", world.ders[name].public_key).address not in world.ledger.state:
            continue
        member = world.member(name)
        # The vault never pays out more than was deposited; what it holds is the deposit less
        # the penalties, until the member leaves with the rest.
        assert world.vault(name) <= member.deposit
        if member.status != member.LEFT:
            assert world.vault(name) == member.deposit - member.penalised


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=25))
def test_same_actions_same_state_bytes(steps: list[tuple]) -> None:
    first, _ = run(steps)
    second, _ = run(steps)
    assert first.ledger.state == second.ledger.state
