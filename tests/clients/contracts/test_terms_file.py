"""Terms files: every example loads, and every problem names the file, the line and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smartblocks.clients.contracts import quantities as q
from smartblocks.clients.contracts.terms_file import (
    EXAMPLES,
    TermsFileError,
    example_path,
    load_terms,
    terms_to_toml,
)
from smartblocks.processors.energycontract.templates import TEMPLATES
from smartblocks.processors.energycontract.terms import terms_hash
from smartblocks.protos.energycontract_pb2 import GuaranteeBasis, PeriodKind


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the examples (with their baseline table) to edit."""
    for path in EXAMPLES.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def edited(folder: Path, template: str, old: str, new: str) -> Path:
    path = folder / example_path(template).name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return path


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_each_example_loads(template):
    terms = load_terms(example_path(template))
    assert terms.WhichOneof("template") == template
    assert terms.currency == "EUR" and list(terms.meters) == ["main"]


def test_shared_savings_values():
    terms = load_terms(example_path("shared_savings"))
    assert terms.period == PeriodKind.MONTH and terms.periods == 60
    assert terms.start == 1_798_761_600  # 2027-01-01T00:00Z
    assert terms.min_coverage_ppm == 900_000
    assert terms.data_grace_s == 7 * 86_400 and terms.dispute_window_s == 30 * 86_400
    assert terms.esco_deposit == 5_000_000_000 and terms.owner_deposit == 0
    params = terms.shared_savings
    assert params.price == 250_000
    assert (params.esco_share_ppm, params.owner_share_ppm) == (600_000, 400_000)


def test_guaranteed_savings_energy_in_base_units():
    params = load_terms(example_path("guaranteed_savings")).guaranteed_savings
    assert params.guarantee == 1_200_000_000  # 1200 kWh in mWh
    assert params.basis == GuaranteeBasis.PER_PERIOD
    assert params.fee_per_period == 1_500_000_000


def test_meters_are_sorted(folder):
    path = edited(folder, "shared_savings", 'meters = ["main"]', 'meters = ["b", "a"]')
    assert list(load_terms(path).meters) == ["a", "b"]


def test_terms_to_toml_round_trips(folder):
    for template in TEMPLATES:
        terms = load_terms(example_path(template))
        path = folder / "again.toml"
        path.write_text(terms_to_toml(terms))
        assert terms_hash(load_terms(path)) == terms_hash(terms)


@pytest.mark.parametrize(
    ("template", "old", "new", "key", "message"),
    [
        (
            "shared_savings",
            'esco_share = "60 %"',
            'esco_share = "70 %"',
            "shared_savings.esco_share",
            "shares must sum to 1,000,000 (100 %)",
        ),
        (
            "shared_savings",
            'template = "shared_savings"',
            'template = "split_savings"',
            "template",
            "must be one of shared_savings, guaranteed_savings, first_out, energy_supply",
        ),
        (
            "shared_savings",
            'esco = "5000.00"',
            'esco = "5000.0000001"',
            "deposits.esco",
            "more than 6 decimals",
        ),
        (
            "shared_savings",
            'price = "0.25"',
            "price = 0.25",
            "shared_savings.price",
            "write decimals as strings",
        ),
        (
            "shared_savings",
            'baseline = "baseline.pb"',
            'baseline = "missing.pb"',
            "baseline",
            "cannot read",
        ),
        (
            "shared_savings",
            'start = "2027-01-01"',
            'start = "2027-01-15"',
            "start",
            "is not the 1st of a month",
        ),
        (
            "shared_savings",
            'data_grace = "7d"',
            'data_grace = "7 days"',
            "data_grace",
            "must be a duration",
        ),
        (
            "shared_savings",
            'data_grace = "7d"',
            'data_grace = "400d"',
            "data_grace",
            "data_grace_s 34560000 is not within",
        ),
        (
            "shared_savings",
            'weather_meter = "weather"',
            'weather_meter = "main"',
            "weather_meter",
            "meters overlap",
        ),
        (
            "shared_savings",
            'cap_per_period = "0"',
            'cap_per_period = "0"\nbonus = "1"',
            "shared_savings.bonus",
            "unknown key",
        ),
        (
            "guaranteed_savings",
            'guarantee = "1200 kWh"',
            'guarantee = "1200 m3"',
            "guaranteed_savings.guarantee",
            "the baseline table is in mWh",
        ),
        (
            "guaranteed_savings",
            'basis = "period"',
            'basis = "decade"',
            "guaranteed_savings.basis",
            "must be one of period, year",
        ),
        (
            "first_out",
            'investment = "80000.00"',
            'investment = "0"',
            "first_out.investment",
            "investment 0 is not within 1..",
        ),
        (
            "energy_supply",
            'discount = "10 %"',
            'discount = "110 %"',
            "energy_supply.discount",
            "discount_ppm 1,100,000 is not within 0..1,000,000 ppm",
        ),
    ],
)
def test_errors_name_file_line_and_key(folder, template, old, new, key, message):
    path = edited(folder, template, old, new)
    with pytest.raises(TermsFileError) as caught:
        load_terms(path)
    text = str(caught.value)
    line = line_of(path, new.splitlines()[-1])
    assert text.startswith(f"{path}:{line}: {key}: "), text
    assert message in text


def test_two_parties_with_one_key(folder):
    path = folder / "shared-savings.toml"
    text = path.read_text()
    owner = load_terms(path).owner
    esco_line = next(line for line in text.splitlines() if line.startswith('esco = "02'))
    path.write_text(text.replace(esco_line, f'esco = "{owner}"'))
    with pytest.raises(TermsFileError, match=r":19: parties: .*three different keys"):
        load_terms(path)


def test_a_party_as_a_pub_file(folder):
    terms = load_terms(example_path("shared_savings"))
    (folder / "owner.pub").write_text(terms.owner + "\n")
    path = edited(folder, "shared_savings", f'owner = "{terms.owner}"', 'owner = "owner.pub"')
    assert load_terms(path).owner == terms.owner
    (folder / "owner.pub").write_text("nonsense\n")
    with pytest.raises(TermsFileError, match=r":21: parties.owner: .*owner.pub"):
        load_terms(path)


def test_a_bad_baseline_table(folder):
    (folder / "baseline.pb").write_bytes(b"\x08\x07")
    with pytest.raises(TermsFileError, match=r":14: baseline: .*version 7"):
        load_terms(folder / "shared-savings.toml")


def test_a_missing_template_table(folder):
    path = folder / "shared-savings.toml"
    path.write_text(path.read_text().split("[shared_savings]")[0])
    with pytest.raises(
        TermsFileError, match=r"shared_savings.price: missing: .*\[shared_savings\]"
    ):
        load_terms(path)


def test_not_toml(folder):
    path = folder / "broken.toml"
    path.write_text("title = \n")
    with pytest.raises(TermsFileError, match="not valid TOML"):
        load_terms(path)


@pytest.mark.parametrize(
    ("text", "micro"), [("5000.00", 5_000_000_000), ("0.000001", 1), ("1_000", 1_000_000_000)]
)
def test_amounts(text, micro):
    assert q.parse_amount(text) == micro
    assert q.parse_amount(q.plain_amount(micro)) == micro


def test_quantities():
    assert q.parse_ratio("8 %") == 80_000 and q.parse_ratio(12) == 12
    assert q.parse_duration("1d 12h") == 129_600 and q.parse_duration(60) == 60
    assert q.parse_energy("1.5 MWh") == (1_500_000_000, "mWh")
    assert q.parse_energy("35 m3") == (35_000_000, "mL")
    assert q.format_amount(1_234_567_890_000, "EUR") == "1,234,567.89 EUR"
    with pytest.raises(ValueError, match="not a whole number of mWh"):
        q.parse_energy("0.0001 Wh")
