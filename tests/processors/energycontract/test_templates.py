"""The four contract templates: the worked examples of docs/energycontract.md#templates exactly,
edge cases, the checks' messages, and properties (no negative due, first-out never past its
target, payments never above the formula, determinism)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.energycontract.limits import MAX_PRICE
from smartblocks.processors.energycontract.measure import Measured
from smartblocks.processors.energycontract.schedule import PeriodInfo
from smartblocks.processors.energycontract.templates import (
    TEMPLATES,
    energy_supply,
    first_out,
    guaranteed_savings,
    money,
    shared_savings,
)
from smartblocks.processors.energycontract.templates.base import ESCO, OWNER, Due, State
from smartblocks.protos.energycontract_pb2 import (
    EnergySupply,
    FirstOut,
    GuaranteeBasis,
    GuaranteedSavings,
    SharedSavings,
)

DAY = 86_400
JAN_2027 = 1_798_761_600  # 2027-01-01T00:00:00Z
MONTH_DAYS_2027 = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def month(index: int, *, last: bool = False) -> PeriodInfo:
    """Month `index` (0 = January) of 2027, of a 12-month contract year."""
    start = JAN_2027 + sum(MONTH_DAYS_2027[:index]) * DAY
    return PeriodInfo(
        index=index,
        start=start,
        end=start + MONTH_DAYS_2027[index] * DAY,
        name=f"2027-{index + 1:02d}",
        last=last,
        closes_year=index == 11,
    )


def full(period: PeriodInfo, actual: int, baseline: int) -> Measured:
    return Measured(period.days, period.days, actual, baseline)


def figures(outcome) -> dict[str, int]:
    return dict(outcome.figures)


# ---------------------------------------------------------------------------------------------
# Worked examples (docs/energycontract.md#templates): the same numbers


SHARED = SharedSavings(price=184_000, esco_share_ppm=700_000, owner_share_ppm=300_000)


def test_shared_savings_worked_example():
    march = month(2)
    out = shared_savings.settle(SHARED, march, full(march, 39_654_321_099, 52_000_000_000), State())
    assert out.dues == (Due("shared_savings.esco_share", OWNER, ESCO, 1_590_123_441),)
    assert out.figures == (
        ("avoided", 12_345_678_901),
        ("savings_value", 2_271_604_917),
        ("esco_share", 1_590_123_441),
        ("cap", 0),
        ("capped", 0),
        ("esco_due", 1_590_123_441),
        ("owner_keeps", 681_481_476),
    )
    assert out.state == State() and not out.ends


def test_shared_savings_worked_example_with_cap():
    params = SharedSavings()
    params.CopyFrom(SHARED)
    params.cap_per_period = 1_500_000_000
    march = month(2)
    out = shared_savings.settle(params, march, full(march, 39_654_321_099, 52_000_000_000), State())
    assert out.dues == (Due("shared_savings.esco_share", OWNER, ESCO, 1_500_000_000),)
    got = figures(out)
    assert got["esco_share"] == 1_590_123_441
    assert got["capped"] == 1
    assert got["esco_due"] == 1_500_000_000
    assert got["owner_keeps"] == 771_604_917


GUARANTEED = GuaranteedSavings(
    price=150_000,
    fee_per_period=1_200_000_000,
    guarantee=10_000_000_000,
    basis=GuaranteeBasis.PER_PERIOD,
    excess_esco_share_ppm=500_000,
    excess_owner_share_ppm=500_000,
)


def test_guaranteed_savings_worked_example_shortfall():
    april = month(3)  # 30 days, 29 of them complete
    measured = Measured(30, 29, 60_000_000_000, 68_765_432_100)
    out = guaranteed_savings.settle(GUARANTEED, april, measured, State())
    assert out.dues == (
        Due("guaranteed_savings.fee", OWNER, ESCO, 1_200_000_000),
        Due("guaranteed_savings.shortfall", ESCO, OWNER, 135_185_185),
    )
    assert out.figures == (
        ("avoided", 8_765_432_100),
        ("guarantee", 9_666_666_667),
        ("fee", 1_200_000_000),
        ("shortfall", 901_234_567),
        ("shortfall_value", 135_185_185),
        ("excess", 0),
        ("excess_value", 0),
        ("excess_esco_share", 0),
    )
    assert out.state == State()


def test_guaranteed_savings_worked_example_excess():
    may = month(4)
    out = guaranteed_savings.settle(
        GUARANTEED, may, full(may, 60_000_000_000, 71_234_567_891), State()
    )
    assert out.dues == (
        Due("guaranteed_savings.fee", OWNER, ESCO, 1_200_000_000),
        Due("guaranteed_savings.excess_share", OWNER, ESCO, 92_592_591),
    )
    got = figures(out)
    assert got["guarantee"] == 10_000_000_000
    assert got["excess"] == 1_234_567_891
    assert got["excess_value"] == 185_185_183
    assert got["excess_esco_share"] == 92_592_591


# Avoided energy of each month of 2027 (January over 28 of its 31 days); sum 115,000,000,000.
YEAR_AVOIDED = [
    8_000_000_000,
    9_500_000_000,
    10_200_000_000,
    9_800_000_000,
    10_500_000_000,
    9_000_000_000,
    8_700_000_000,
    9_100_000_000,
    9_900_000_000,
    10_300_000_000,
    9_600_000_000,
    10_400_000_000,
]


def test_guaranteed_savings_worked_example_per_year():
    params = GuaranteedSavings()
    params.CopyFrom(GUARANTEED)
    params.basis = GuaranteeBasis.PER_YEAR
    state = State(cumulative_avoided=7, owed_by_owner=3)  # others' fields pass through untouched
    for index, avoided in enumerate(YEAR_AVOIDED):
        period = month(index, last=index == 11)
        complete = 28 if index == 0 else period.days
        measured = Measured(period.days, complete, 50_000_000_000, 50_000_000_000 + avoided)
        out = guaranteed_savings.settle(params, period, measured, state)
        got = figures(out)
        if index == 0:
            assert got["guarantee"] == 9_032_258_065
        if index < 11:
            assert out.dues == (Due("guaranteed_savings.fee", OWNER, ESCO, 1_200_000_000),)
            assert got["reconciled"] == 0 and got["shortfall"] == got["excess"] == 0
            assert out.state.year_avoided == sum(YEAR_AVOIDED[: index + 1])
        state = out.state
    assert got["year_avoided"] == 115_000_000_000
    assert got["year_guarantee"] == 119_032_258_065
    assert got["reconciled"] == 1
    assert got["shortfall"] == 4_032_258_065
    assert got["shortfall_value"] == 604_838_709
    assert got["excess"] == 0
    assert out.dues == (
        Due("guaranteed_savings.fee", OWNER, ESCO, 1_200_000_000),
        Due("guaranteed_savings.shortfall", ESCO, OWNER, 604_838_709),
    )
    assert state == State(cumulative_avoided=7, owed_by_owner=3)  # the year starts again at 0


FIRST_OUT = FirstOut(
    price=200_000,
    esco_share_ppm=900_000,
    owner_share_ppm=100_000,
    investment=48_765_432_101,
    return_ppm=120_000,
)


def test_first_out_worked_example():
    assert first_out.target_of(FIRST_OUT) == 54_617_283_954
    january = month(0)
    measured = full(january, 75_308_641_975, 100_000_000_000)
    out = first_out.settle(FIRST_OUT, january, measured, State(recovered=10_000_000_000))
    assert out.dues == (Due("first_out.esco_share", OWNER, ESCO, 4_444_444_444),)
    assert out.figures == (
        ("avoided", 24_691_358_025),
        ("savings_value", 4_938_271_605),
        ("esco_share", 4_444_444_444),
        ("target", 54_617_283_954),
        ("remaining", 44_617_283_954),
        ("esco_due", 4_444_444_444),
        ("owner_keeps", 493_827_161),
        ("recovered", 14_444_444_444),
    )
    assert out.state == State(recovered=14_444_444_444)
    assert not out.ends and out.end_reason == ""


def test_first_out_worked_example_recovery_ends_mid_period():
    january = month(0)
    measured = full(january, 75_308_641_975, 100_000_000_000)
    out = first_out.settle(FIRST_OUT, january, measured, State(recovered=52_000_000_000))
    assert out.dues == (Due("first_out.esco_share", OWNER, ESCO, 2_617_283_954),)
    got = figures(out)
    assert got["remaining"] == 2_617_283_954
    assert got["esco_due"] == 2_617_283_954  # the share (4,444,444,444) capped at what remains
    assert got["owner_keeps"] == 2_320_987_651
    assert out.state.recovered == 54_617_283_954
    assert out.ends
    assert out.end_reason == (
        "first-out: the ESCO recovered its investment plus return (54,617,283,954 micro-units)"
    )


SUPPLY = EnergySupply(price=95_000, baseline_price=110_000, discount_ppm=100_000)


def test_energy_supply_worked_example_ceiling_not_binding():
    january = month(0)
    out = energy_supply.settle(
        SUPPLY, january, full(january, 150_123_456_789, 161_234_567_891), State()
    )
    assert out.dues == (Due("energy_supply.bill", OWNER, ESCO, 14_261_728_394),)
    assert out.figures == (
        ("avoided", 11_111_111_102),
        ("delivered", 150_123_456_789),
        ("bill", 14_261_728_394),
        ("baseline_cost", 17_735_802_468),
        ("discount", 1_773_580_247),
        ("ceiling", 15_962_222_221),
        ("paid", 14_261_728_394),
        ("discount_applied", 0),
    )


def test_energy_supply_worked_example_ceiling_binding():
    january = month(0)
    out = energy_supply.settle(
        SUPPLY, january, full(january, 175_432_109_876, 161_234_567_891), State()
    )
    assert out.dues == (Due("energy_supply.bill", OWNER, ESCO, 15_962_222_221),)
    got = figures(out)
    assert got["avoided"] == -14_197_541_985
    assert got["bill"] == 16_666_050_438
    assert got["ceiling"] == 15_962_222_221
    assert got["paid"] == 15_962_222_221
    assert got["discount_applied"] == 703_828_217


# ---------------------------------------------------------------------------------------------
# Edge cases


def test_value_of_rounds_down():
    assert money.value_of(1, 999_999, what="v") == 0
    assert money.value_of(12_345_678_901, 184_000, what="v") == 2_271_604_917
    assert money.value_of(-1, 1, what="v") == -1  # floor; templates never pass a negative


def test_shared_savings_negative_avoided_pays_nothing():
    march = month(2)
    out = shared_savings.settle(SHARED, march, full(march, 52_000_000_001, 52_000_000_000), State())
    assert out.dues == ()
    got = figures(out)
    assert got["avoided"] == -1
    assert got["savings_value"] == got["esco_share"] == got["owner_keeps"] == 0


def test_shared_savings_cap_not_binding_and_zero_cap_is_no_cap():
    params = SharedSavings()
    params.CopyFrom(SHARED)
    params.cap_per_period = 1_590_123_441  # exactly the share: not capped
    march = month(2)
    measured = full(march, 39_654_321_099, 52_000_000_000)
    got = figures(shared_savings.settle(params, march, measured, State()))
    assert got["capped"] == 0 and got["esco_due"] == 1_590_123_441


def test_guaranteed_savings_zero_complete_days_prorates_to_zero():
    april = month(3)
    out = guaranteed_savings.settle(GUARANTEED, april, Measured(30, 0, 0, 0), State())
    got = figures(out)
    assert got["guarantee"] == 0
    assert got["shortfall"] == got["excess"] == 0
    assert out.dues == (Due("guaranteed_savings.fee", OWNER, ESCO, 1_200_000_000),)


def test_guaranteed_savings_prorate_halves_to_even():
    params = GuaranteedSavings()
    params.CopyFrom(GUARANTEED)
    for guarantee, expected in ((5, 2), (7, 4)):  # 5 x 15 / 30 = 2.5 -> 2; 7 x 15 / 30 = 3.5 -> 4
        params.guarantee = guarantee
        got = figures(guaranteed_savings.settle(params, month(3), Measured(30, 15, 0, 0), State()))
        assert got["guarantee"] == expected


def test_guaranteed_savings_zero_fee_and_exact_guarantee_make_no_dues():
    params = GuaranteedSavings()
    params.CopyFrom(GUARANTEED)
    params.fee_per_period = 0
    may = month(4)
    out = guaranteed_savings.settle(params, may, full(may, 0, 10_000_000_000), State())
    assert out.dues == ()


def test_guaranteed_savings_negative_avoided_is_all_shortfall():
    may = month(4)
    out = guaranteed_savings.settle(GUARANTEED, may, full(may, 1_000_000_000, 0), State())
    got = figures(out)
    assert got["shortfall"] == 11_000_000_000
    assert got["shortfall_value"] == 1_650_000_000


def test_guaranteed_savings_per_year_excess_over_the_year():
    params = GuaranteedSavings()
    params.CopyFrom(GUARANTEED)
    params.basis = GuaranteeBasis.PER_YEAR
    state = State()
    for index in range(12):
        period = month(index)
        out = guaranteed_savings.settle(params, period, full(period, 0, 11_000_000_000), state)
        state = out.state
    got = figures(out)
    assert got["excess"] == 12_000_000_000
    assert got["excess_value"] == 1_800_000_000
    assert got["excess_esco_share"] == 900_000_000
    assert out.dues[-1] == Due("guaranteed_savings.excess_share", OWNER, ESCO, 900_000_000)
    assert state.year_avoided == state.year_guarantee == 0


def test_first_out_already_recovered_ends_without_payment():
    january = month(0)
    measured = full(january, 0, 10_000_000_000)
    out = first_out.settle(FIRST_OUT, january, measured, State(recovered=60_000_000_000))
    assert out.dues == ()
    assert out.ends
    assert out.state.recovered == 60_000_000_000


def test_first_out_no_savings_no_payment():
    january = month(0)
    out = first_out.settle(FIRST_OUT, january, full(january, 5, 0), State())
    assert out.dues == () and not out.ends and out.state.recovered == 0


def test_first_out_return_rounds_up():
    params = FirstOut(investment=1, return_ppm=1)  # 1 x 1 / 10^6 of a micro-unit: 1
    assert first_out.target_of(params) == 2


def test_energy_supply_negative_readings_bill_nothing():
    january = month(0)
    out = energy_supply.settle(SUPPLY, january, full(january, -5, -7), State())
    assert out.dues == ()
    got = figures(out)
    assert got["bill"] == got["baseline_cost"] == got["ceiling"] == got["paid"] == 0


def test_amount_beyond_64_bits_is_refused():
    params = SharedSavings(price=MAX_PRICE, esco_share_ppm=1_000_000, owner_share_ppm=0)
    march = month(2)
    with pytest.raises(InvalidTransaction, match="does not fit a 64-bit signed integer"):
        shared_savings.settle(params, march, full(march, 0, 10**20), State())


# ---------------------------------------------------------------------------------------------
# check()


def message(check, params) -> str:
    with pytest.raises(InvalidTransaction) as info:
        check(params)
    return str(info.value)


def test_valid_examples_pass_their_checks():
    shared_savings.check(SHARED)
    guaranteed_savings.check(GUARANTEED)
    first_out.check(FIRST_OUT)
    energy_supply.check(SUPPLY)


def test_registry_names_the_terms_fields():
    assert set(TEMPLATES) == {"shared_savings", "guaranteed_savings", "first_out", "energy_supply"}
    for name, module in TEMPLATES.items():
        assert name == module.NAME and module.TITLE and module.SUMMARY.endswith(".")


def test_check_shares_must_sum_to_one_million():
    params = SharedSavings(price=1, esco_share_ppm=600_000, owner_share_ppm=300_000)
    assert message(shared_savings.check, params) == (
        "esco_share_ppm 600,000 + owner_share_ppm 300,000 = 900,000; "
        "shares must sum to 1,000,000 (100 %)"
    )
    params = GuaranteedSavings()
    params.CopyFrom(GUARANTEED)
    params.excess_owner_share_ppm = 600_000
    assert message(guaranteed_savings.check, params) == (
        "excess_esco_share_ppm 500,000 + excess_owner_share_ppm 600,000 = 1,100,000; "
        "shares must sum to 1,000,000 (100 %)"
    )


def test_check_share_above_one_million():
    params = FirstOut()
    params.CopyFrom(FIRST_OUT)
    params.esco_share_ppm = 1_200_000
    assert message(first_out.check, params) == (
        "esco_share_ppm 1,200,000 is not within 0..1,000,000 ppm"
    )


def test_check_price_too_high_or_zero():
    params = SharedSavings(price=MAX_PRICE + 1, esco_share_ppm=1_000_000)
    assert message(shared_savings.check, params) == (
        "price 1,000,000,000,001 is not within 1..1,000,000,000,000 micro-units per 10^6 of "
        "the meters' unit"
    )
    supply = EnergySupply(price=1, baseline_price=0)
    assert message(energy_supply.check, supply) == (
        "baseline_price 0 is not within 1..1,000,000,000,000 micro-units per 10^6 of the "
        "meters' unit"
    )


def test_check_amounts_guarantee_basis_and_return():
    params = GuaranteedSavings()
    params.CopyFrom(GUARANTEED)
    params.fee_per_period = 10**15 + 1
    assert message(guaranteed_savings.check, params) == (
        "fee_per_period 1,000,000,000,000,001 is not within 0..1,000,000,000,000,000 micro-units"
    )
    params.CopyFrom(GUARANTEED)
    params.guarantee = -1
    assert message(guaranteed_savings.check, params) == (
        "guarantee -1 is not within 0..1,000,000,000,000,000 in the meters' unit"
    )
    params.CopyFrom(GUARANTEED)
    params.basis = GuaranteeBasis.BASIS_UNSET
    assert message(guaranteed_savings.check, params) == (
        "basis BASIS_UNSET; must be PER_PERIOD or PER_YEAR"
    )
    out = FirstOut()
    out.CopyFrom(FIRST_OUT)
    out.investment = 0
    assert message(first_out.check, out) == (
        "investment 0 is not within 1..1,000,000,000,000,000 micro-units"
    )
    out.CopyFrom(FIRST_OUT)
    out.return_ppm = 10_000_001
    assert message(first_out.check, out) == (
        "return_ppm 10,000,001 is not within 0..10,000,000 ppm"
    )
    shared = SharedSavings()
    shared.CopyFrom(SHARED)
    shared.cap_per_period = 10**16
    assert message(shared_savings.check, shared) == (
        "cap_per_period 10,000,000,000,000,000 is not within 0..1,000,000,000,000,000 micro-units"
    )
    supply = EnergySupply(price=1, baseline_price=1, discount_ppm=1_000_001)
    assert message(energy_supply.check, supply) == (
        "discount_ppm 1,000,001 is not within 0..1,000,000 ppm"
    )


# ---------------------------------------------------------------------------------------------
# Properties

energy = st.integers(-(10**13), 10**13)
prices = st.integers(1, 10**7)
shares = st.integers(0, 1_000_000)
amounts = st.integers(0, 10**13)
periods = st.integers(0, 11).map(month)


@st.composite
def measurements(draw) -> tuple[PeriodInfo, Measured]:
    period = draw(periods)
    complete = draw(st.integers(0, period.days))
    return period, Measured(period.days, complete, draw(energy), draw(energy))


def exact_value(e: int, price: int) -> Fraction:
    return Fraction(max(e, 0) * price, 10**6)


def assert_dues_sound(outcome) -> None:
    for due in outcome.dues:
        assert due.amount > 0  # zero amounts make no Due, none is negative
        assert {due.payer, due.payee} == {OWNER, ESCO}


@given(prices, shares, amounts, measurements())
def test_shared_savings_properties(price, esco, cap, pm):
    period, measured = pm
    params = SharedSavings(
        price=price, esco_share_ppm=esco, owner_share_ppm=1_000_000 - esco, cap_per_period=cap
    )
    out = shared_savings.settle(params, period, measured, State())
    assert_dues_sound(out)
    paid = sum(d.amount for d in out.dues)
    exact = exact_value(measured.avoided, price) * esco / 10**6
    assert paid <= exact  # rounding never makes the owner pay more than the formula
    # The formula, each division rounded down: the value, then the share of it.
    share = math.floor(Fraction(math.floor(exact_value(measured.avoided, price)) * esco, 10**6))
    assert paid == (min(share, cap) if cap else share)
    assert out == shared_savings.settle(params, period, measured, State())


@given(
    prices,
    amounts,
    st.integers(0, 10**13),
    st.sampled_from([GuaranteeBasis.PER_PERIOD, GuaranteeBasis.PER_YEAR]),
    shares,
    measurements(),
    st.integers(-(10**13), 10**13),
    st.integers(0, 10**13),
)
def test_guaranteed_savings_properties(
    price, fee, guarantee, basis, esco, pm, year_avoided, year_guarantee
):
    period, measured = pm
    params = GuaranteedSavings(
        price=price,
        fee_per_period=fee,
        guarantee=guarantee,
        basis=basis,
        excess_esco_share_ppm=esco,
        excess_owner_share_ppm=1_000_000 - esco,
    )
    state = State(year_avoided=year_avoided, year_guarantee=year_guarantee, recovered=9)
    out = guaranteed_savings.settle(params, period, measured, state)
    assert_dues_sound(out)
    got = figures(out)
    held = got["year_avoided"] if basis == GuaranteeBasis.PER_YEAR else measured.avoided
    against = got["year_guarantee"] if basis == GuaranteeBasis.PER_YEAR else got["guarantee"]
    assert got["guarantee"] == round(Fraction(guarantee * measured.complete_days, period.days))
    by_reason = {d.reason: d.amount for d in out.dues}
    assert by_reason.get("guaranteed_savings.fee", 0) == fee
    if basis == GuaranteeBasis.PER_PERIOD or period.closes_year:
        shortfall = by_reason.get("guaranteed_savings.shortfall", 0)
        excess = by_reason.get("guaranteed_savings.excess_share", 0)
        assert shortfall <= exact_value(against - held, price)
        assert excess <= exact_value(held - against, price) * esco / 10**6
        assert shortfall == 0 or excess == 0
        # PER_PERIOD leaves the year's sums alone; PER_YEAR starts the next year at 0.
        closed = State(recovered=9) if basis == GuaranteeBasis.PER_YEAR else state
        assert out.state == closed
    else:
        assert set(by_reason) <= {"guaranteed_savings.fee"}
        assert out.state == State(
            year_avoided=year_avoided + measured.avoided,
            year_guarantee=year_guarantee + got["guarantee"],
            recovered=9,
        )
    assert out == guaranteed_savings.settle(params, period, measured, state)


@given(
    prices,
    shares,
    st.integers(1, 10**13),
    st.integers(0, 10_000_000),
    st.lists(st.integers(-(10**12), 10**13), min_size=1, max_size=30),
)
def test_first_out_recovered_never_exceeds_target(price, esco, investment, ret, avoided_list):
    params = FirstOut(
        price=price,
        esco_share_ppm=esco,
        owner_share_ppm=1_000_000 - esco,
        investment=investment,
        return_ppm=ret,
    )
    target = first_out.target_of(params)
    assert target == investment + math.ceil(Fraction(investment * ret, 10**6))
    state = State()
    paid = 0
    for index, avoided in enumerate(avoided_list):
        period = month(index % 12)
        measured = full(period, 0, avoided)
        out = first_out.settle(params, period, measured, state)
        assert_dues_sound(out)
        amount = sum(d.amount for d in out.dues)
        assert amount <= exact_value(avoided, price) * esco / 10**6
        paid += amount
        assert out.state.recovered == paid <= target
        assert out.ends == (paid == target)
        assert out == first_out.settle(params, period, measured, state)
        state = out.state
        if out.ends:
            break


@given(prices, prices, shares, measurements())
def test_energy_supply_properties(price, baseline_price, discount, pm):
    period, measured = pm
    params = EnergySupply(price=price, baseline_price=baseline_price, discount_ppm=discount)
    out = energy_supply.settle(params, period, measured, State())
    assert_dues_sound(out)
    paid = sum(d.amount for d in out.dues)
    assert paid <= exact_value(measured.actual, price)
    exact_ceiling = exact_value(measured.baseline, baseline_price) * (10**6 - discount) / 10**6
    assert paid <= exact_ceiling
    assert out.state == State()
    assert out == energy_supply.settle(params, period, measured, State())
