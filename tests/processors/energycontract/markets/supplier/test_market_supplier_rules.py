"""The supplier's formula on plain data: the worked example of docs/market-supplier.md, and its
properties under hypothesis (budget balance, accuracy pays, H's rate and range, determinism)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from smartblocks.processors.energycontract.markets.supplier import rules
from smartblocks.processors.energycontract.markets.supplier.actions import result_record
from smartblocks.processors.kit.arithmetic import PPM

KWH = 1_000_000  # mWh
PARAMS = rules.Params(price_per_kwh=200_000, tolerance_ppm=50_000, learning_rate_ppm=250_000)


def test_worked_example():
    """docs/market-supplier.md, "Worked example"."""
    out = rules.settle(
        PARAMS,
        [
            rules.MemberInput("ann", 100 * KWH, 103 * KWH, 800_000, 50_000_000),
            rules.MemberInput("bob", 100 * KWH, 90 * KWH, 600_000, 50_000_000),
            rules.MemberInput("cem", 50 * KWH, 80 * KWH, 400_000, 50_000_000),
        ],
    )
    ann, bob, cem = out.members
    assert (ann.excess, ann.accuracy_ppm, ann.penalty, ann.weight) == (
        0,
        970_000,
        0,
        1_746_000 * PPM,
    )
    assert (bob.excess, bob.accuracy_ppm, bob.penalty) == (5 * KWH, 900_000, 1_400_000)
    assert (cem.excess, cem.accuracy_ppm, cem.penalty) == (27_500 * 1000, 400_000, 8_800_000)
    assert out.net_imbalance == 23 * KWH
    assert (out.penalties, out.imbalance_cost, out.imbalance_paid) == (
        10_200_000,
        4_600_000,
        4_600_000,
    )
    assert (ann.reward, out.rewards, out.remainder) == (5_600_000, 5_600_000, 0)
    assert (ann.h_after, bob.h_after, cem.h_after) == (842_500, 675_000, 400_000)


def test_accuracy_edges():
    assert rules.accuracy_ppm(0, 0) == PPM
    assert rules.accuracy_ppm(0, 1) == 0
    assert rules.accuracy_ppm(3, 4) == 666_666  # error 333,333.3.. rounds up
    assert rules.accuracy_ppm(10, 100) == 0


amounts = st.integers(min_value=0, max_value=500 * KWH)
h_values = st.integers(min_value=0, max_value=PPM)
members = st.lists(
    st.tuples(amounts, amounts, h_values, st.integers(min_value=0, max_value=10**9)),
    min_size=1,
    max_size=12,
)
params = st.builds(
    rules.Params,
    price_per_kwh=st.integers(min_value=0, max_value=10**6),
    tolerance_ppm=st.integers(min_value=0, max_value=PPM),
    learning_rate_ppm=st.integers(min_value=0, max_value=PPM),
)


def _inputs(spec):
    return [rules.MemberInput(f"m{i:02}", a, e, h, d) for i, (a, e, h, d) in enumerate(spec)]


@given(params, members)
def test_budget_balance(p, spec):
    """Penalties fund the imbalance cost, the rewards and the remainder; nothing else moves."""
    out = rules.settle(p, _inputs(spec))
    assert out.penalties == sum(m.penalty for m in out.members)
    assert out.penalties == out.imbalance_paid + out.rewards + out.remainder
    assert out.rewards == sum(m.reward for m in out.members)
    assert out.imbalance_paid == min(out.imbalance_cost, out.penalties)
    assert all(
        m.reward >= 0 and 0 <= m.penalty <= d for m, (*_, d) in zip(out.members, spec, strict=True)
    )
    assert sum(m.net for m in out.members) == -out.to_operator <= 0
    # rounding dust is below one micro-unit per rewarded member
    assert out.remainder < max(1, sum(1 for m in out.members if m.weight)) or not any(
        m.weight for m in out.members
    )


@given(params, members, amounts, amounts, h_values, st.integers(min_value=0, max_value=10**9))
def test_a_more_accurate_member_never_ends_worse_off(p, others, declared, e1, h, deposit):
    """Two members with the same declaration, H and deposit in one period: the one whose usage
    fell nearer its declaration nets at least as much."""
    e2 = declared + (e1 - declared) * 2  # twice as far, same side
    if e2 < 0:
        e2 = 0
    spec = [*others, (declared, e1, h, deposit), (declared, e2, h, deposit)]
    out = rules.settle(p, _inputs(spec))
    near, far = out.members[-2], out.members[-1]
    assert abs(e1 - declared) <= abs(e2 - declared)
    assert near.net >= far.net


@given(h_values, h_values, st.integers(min_value=0, max_value=PPM))
def test_h_moves_toward_accuracy_at_the_documented_rate(h, accuracy, rate):
    after = rules.next_h(h, accuracy, rate)
    assert 0 <= after <= PPM
    assert abs(after - accuracy) <= abs(h - accuracy)  # toward, never past
    exact = h + (accuracy - h) * rate / PPM
    assert exact - 1 < after <= exact  # the documented rate, rounded down


@given(params, members)
def test_h_stays_in_range_over_many_periods(p, spec):
    out = rules.settle(p, _inputs(spec))
    for _ in range(5):
        spec = [(a, e, m.h_after, d) for (a, e, _h, d), m in zip(spec, out.members, strict=True)]
        out = rules.settle(p, _inputs(spec))
        assert all(0 <= m.h_after <= PPM for m in out.members)


@given(params, members, st.randoms())
def test_same_inputs_same_bytes_in_any_order(p, spec, rnd):
    inputs = _inputs(spec)
    shuffled = list(inputs)
    rnd.shuffle(shuffled)
    a, b = rules.settle(p, inputs), rules.settle(p, shuffled)
    assert a == b
    assert [result_record(m).SerializeToString() for m in a.members] == [
        result_record(m).SerializeToString() for m in b.members
    ]
