"""`python -m bench NAME --url ... --component ...`: a whole-path benchmark measures a validator
it did not start (here a devnet started by the test, standing in for an operator's network).

Quick mode, results into a temporary folder (never bench/results)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from smartblocks.ledger.keys import Signer, write_private_file
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from tests.integration.processes import REPO, DevnetServer, subprocess_env

EXTERNAL = "external URL"


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m bench ARGS` from the repository, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=REPO,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=100,
    )


@pytest.fixture(scope="module")
def authority() -> Signer:
    return Signer.generate()


@pytest.fixture(scope="module")
def validator(
    tmp_path_factory: pytest.TempPathFactory, authority: Signer
) -> Iterator[DevnetServer]:
    """The operator's node: a devnet whose genesis lists `authority`, with no processors."""
    setting = f"{AUTHORITIES_SETTING}={authority.public_key}"
    devnet = DevnetServer(tmp_path_factory.mktemp("operator") / "devnet", "--setting", setting)
    devnet.start()
    try:
        yield devnet
    finally:
        devnet.stop()


def bench(validator: DevnetServer, results: Path, *args: str) -> dict:
    done = run_bench(
        "blockmeter_devnet", "--quick", "--url", validator.rest_url,
        "--component", validator.component, "--results-dir", str(results), *args,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "external URL: " + validator.rest_url in done.stdout
    return dict(json.loads((results / "blockmeter_devnet.json").read_text()))


def test_blockmeter_against_an_external_validator(
    validator: DevnetServer, authority: Signer, tmp_path: Path
) -> None:
    key = tmp_path / "authority.priv"
    write_private_file(key, authority.private_hex() + "\n")
    doc = bench(validator, tmp_path, "--start-processors", "--authority-key", str(key))
    assert doc["target"]["target"] == EXTERNAL
    assert doc["target"]["url"] == validator.rest_url
    assert doc["target"]["processors"] == "started by the benchmark"
    figures = {f["figure"]: f for f in doc["figures"]}
    assert figures["readings committed per second"]["value"] > 0
    assert all(f["parameters"]["target"] == EXTERNAL for f in doc["figures"])
    # The processor was started here, so its CPU is measured; the validator's is not.
    assert "processor CPU per transaction" in figures
    assert "devnet CPU per transaction" not in figures
    assert {s["what"] for s in doc["skipped"]} == {
        "devnet CPU per transaction",
        "devnet + processor CPU busy share",
    }


def test_without_the_authority_key_nothing_is_measured_and_the_run_says_why(
    validator: DevnetServer, tmp_path: Path
) -> None:
    doc = bench(validator, tmp_path)
    assert doc["figures"] == []
    [skipped] = doc["skipped"]
    assert "--authority-key" in skipped["why"]
    assert AUTHORITIES_SETTING in skipped["why"]


def test_a_key_not_in_the_setting_is_refused_by_name(
    validator: DevnetServer, tmp_path: Path
) -> None:
    key = tmp_path / "stranger.priv"
    write_private_file(key, Signer.generate().private_hex() + "\n")
    doc = bench(validator, tmp_path, "--authority-key", str(key))
    assert doc["figures"] == []
    assert "is not listed in" in doc["skipped"][0]["why"]


def test_options_an_external_target_needs_are_checked_before_anything_runs() -> None:
    refused = run_bench("devnet", "--start-processors")
    assert refused.returncode == 2 and "need --url" in refused.stderr
    refused = run_bench("devnet", "--url", "http://127.0.0.1:1", "--start-processors")
    assert refused.returncode == 2 and "needs --component" in refused.stderr
    refused = run_bench("merkle", "--url", "http://127.0.0.1:1")
    assert refused.returncode == 1 and "do not measure a validator" in refused.stderr
