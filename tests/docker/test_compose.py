"""docker/: the compose network's structure, checked without a Docker engine.

These machines cannot run the containers, so the tests hold the compose file, the Dockerfile
and the mounted configs to what the code they start expects: every validator has its own
processors and REST API, our services run commands our CLIs accept, images are pinned.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from smartblocks.blockmeter import cli as blockmeter_cli
from smartblocks.blockmeter import config as agent_config
from smartblocks.clients.cli import main as smartblocks_cli
from smartblocks.clients.portal.config import load_config as load_portal_config
from smartblocks.clients.predict.config import load_config as load_predict_config
from smartblocks.ledger.endpoints import check_component_url
from smartblocks.processors.families import FAMILIES

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
COMPOSE = yaml.safe_load((DOCKER / "compose.yaml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
SCRIPTS: dict[str, str] = PYPROJECT["project"]["scripts"]
# Families that exist only for tests; a production network never serves them.
TEST_FAMILIES = {"kv"}
DEFAULT_ENTRYPOINT = "smartblocks"
# The official images our stages start from: Python for the package, node for the portal's npm
# libraries (only their copied files reach the images).
BASE_IMAGES = {"python:3.11-slim-bookworm", "node:20-bookworm-slim"}
# docker/Dockerfile's targets: the slim image (default, last stage) and the one with the `mv`
# extra, each with its own image name so neither build overwrites the other's tag.
SLIM_TARGET, MV_TARGET = "slim", "mv"
IMAGE_NAMES = {SLIM_TARGET: "smartblocks", MV_TARGET: "smartblocks-mv"}
# The only services on the mv image: they run the commands that import the M&V libraries.
MV_SERVICES = {"predict"}
MV_COMMANDS = {"predict", "mv"}


def mount_source(mount: str) -> str:
    """The host side of a volume mount, `${VAR:-default}` read as its default."""
    interpolated = re.fullmatch(r"\$\{\w+:-([^}]*)\}(:.*)", mount)
    if interpolated:
        return interpolated[1]
    return mount.split(":")[0]


def mount_target(mount: str) -> str:
    rest = mount.split("}", 1)[1] if mount.startswith("${") else mount
    return rest.split(":")[-2] if rest.endswith(":ro") else rest.split(":")[-1]


def numbered(prefix: str) -> dict[int, dict[str, Any]]:
    pattern = re.compile(rf"{re.escape(prefix)}-(\d+)")
    return {
        int(m[1]): service for name, service in SERVICES.items() if (m := pattern.fullmatch(name))
    }


VALIDATORS = numbered("validator")


def ours() -> dict[str, dict[str, Any]]:
    """The services built from this repository."""
    return {name: service for name, service in SERVICES.items() if "build" in service}


def connect_target(command: list[str]) -> str:
    """The endpoint after -C/--connect in a processor or REST API command."""
    for flag in ("-C", "--connect"):
        if flag in command:
            return command[command.index(flag) + 1]
    raise AssertionError(f"no -C/--connect in {command}")


def entrypoint(service: dict[str, Any]) -> str:
    value = service.get("entrypoint", [DEFAULT_ENTRYPOINT])
    return value[0] if isinstance(value, list) else value.split()[0]


def family_processors() -> dict[str, dict[int, dict[str, Any]]]:
    """{family: {validator number: service}} for our `tp` services."""
    found: dict[str, dict[int, dict[str, Any]]] = {}
    for name, service in ours().items():
        command = service["command"]
        if command[0] != "tp":
            continue
        match = re.fullmatch(r"(.+)-tp-(\d+)", name)
        assert match, f"{name}: processor services are named FAMILY-tp-N"
        families = [arg for arg in command[1:] if not arg.startswith("-")][:1]
        assert families == [match[1]], f"{name}: serves {families}, name says {match[1]}"
        found.setdefault(match[1], {})[int(match[2])] = service
    return found


def build_target(service: dict[str, Any]) -> str:
    return service["build"].get("target", dockerfile_stages()[-1][0])


def dockerfile_stages() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(stage name, base, instructions after FROM) in file order."""
    stages: list[tuple[str, str, list[tuple[str, str]]]] = []
    for keyword, args in dockerfile_instructions():
        if keyword == "FROM":
            words = args.split()
            assert len(words) == 3 and words[1].upper() == "AS", f"name every stage: FROM {args}"
            stages.append((words[2], words[0], []))
        else:
            stages[-1][2].append((keyword, args))
    return stages


def stage_lineage(name: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The stage and the earlier stages it is built FROM, base first."""
    by_name = {stage[0]: stage for stage in dockerfile_stages()}
    chain = [by_name[name]]
    while chain[0][1] in by_name:
        chain.insert(0, by_name[chain[0][1]])
    return chain


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined."""
    text = (DOCKER / "Dockerfile").read_text().replace("\\\n", " ")
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def test_validators_are_numbered_from_zero_and_one_founds_the_network() -> None:
    # Three as shipped; operators add nodes as validator-3, validator-4, ... (README.md).
    assert sorted(VALIDATORS) == list(range(max(3, len(VALIDATORS))))
    founders = [n for n, v in VALIDATORS.items() if v["environment"].get("GENESIS") == "1"]
    assert founders == [0]
    engines = numbered("poet-engine")
    assert [n for n, e in engines.items() if e["environment"].get("GENESIS") == "1"] == [0]


@pytest.mark.parametrize("number", sorted(VALIDATORS))
def test_every_validator_has_its_own_node_services(number: int) -> None:
    node = f"validator-{number}"
    own_endpoint = f"tcp://{node}:4004"
    validator = VALIDATORS[number]
    assert validator["environment"]["NODE"] == node
    assert validator["image"].startswith("hyperledger/sawtooth-validator:")

    engine = SERVICES[f"poet-engine-{number}"]
    assert engine["environment"]["NODE"] == node
    for service in ("settings-tp", "poet-registry-tp", "block-info-tp", "rest-api"):
        command = SERVICES[f"{service}-{number}"]["command"]
        assert connect_target(command) == own_endpoint, f"{service}-{number}: {command}"
    assert SERVICES[f"rest-api-{number}"]["ports"], f"rest-api-{number} publishes no port"

    processors = family_processors()
    assert {"blockmeter", "blockpredict"} <= set(processors)
    for family, by_node in processors.items():
        assert number in by_node, f"{node} has no {family} processor"
        command = by_node[number]["command"]
        assert connect_target(command) == own_endpoint, f"{family}-tp-{number}: {command}"


def test_processors_serve_known_production_families() -> None:
    deployed = set(family_processors())
    assert deployed <= set(FAMILIES), f"unknown families {deployed - set(FAMILIES)}"
    assert not deployed & TEST_FAMILIES, "a test family is deployed"
    for by_node in family_processors().values():
        assert set(by_node) == set(VALIDATORS)


def test_static_peering_reaches_earlier_validators() -> None:
    for number, validator in VALIDATORS.items():
        peers = [p for p in validator["environment"].get("PEERS", "").split(",") if p]
        if number == 0:
            assert not peers
            continue
        expected = [f"tcp://validator-{n}:8800" for n in range(number)]
        assert peers == expected, f"validator-{number}: PEERS {peers}"


def test_each_node_keeps_keys_and_data_in_its_own_volumes() -> None:
    declared = set(COMPOSE["volumes"])
    seen: dict[str, str] = {}
    for name, service in SERVICES.items():
        for mount in service.get("volumes", []):
            source = mount_source(mount)
            if source.startswith("."):
                assert (DOCKER / source).exists(), f"{name}: {source} does not exist"
                continue
            assert source in declared, f"{name}: volume {source} is not declared"
            if source != "poet-shared" and not mount.endswith(":ro"):
                assert source not in seen, f"{source} written by {seen.get(source)} and {name}"
                seen[source] = name
    for number in VALIDATORS:
        mounts = SERVICES[f"validator-{number}"]["volumes"]
        assert f"validator-{number}-keys:/etc/sawtooth/keys" in mounts
        assert f"validator-{number}-data:/var/lib/sawtooth" in mounts
        # The engine signs with its validator's key and must not be able to change it.
        engine_mounts = SERVICES[f"poet-engine-{number}"]["volumes"]
        assert f"validator-{number}-keys:/etc/sawtooth/keys:ro" in engine_mounts


def test_host_ports_are_unique() -> None:
    host_ports = []
    for service in SERVICES.values():
        for port in service.get("ports", []):
            parts = str(port).split(":")
            assert len(parts) == 3, f"publish {port} on an explicit host address"
            host_ports.append((parts[0], parts[1]))
    assert len(host_ports) == len(set(host_ports)), host_ports
    # One host port number per service, whatever the address, so none collide if re-bound.
    assert len({port for _, port in host_ports}) == len(host_ports)


def test_every_image_is_pinned() -> None:
    version = PYPROJECT["project"]["version"]
    for name, service in SERVICES.items():
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and "/" not in tag, f"{name}: image {image} has no tag"
        assert tag not in ("latest", "nightly"), f"{name}: image {image} is not pinned"
        if "build" in service:
            expected = f"{IMAGE_NAMES[build_target(service)]}:{version}"
            assert image == expected, f"{name}: tag it {expected} (pyproject's version)"


def test_our_services_build_from_the_dockerfile() -> None:
    processors = {f"{f}-tp-{n}" for f in ("blockmeter", "blockpredict") for n in VALIDATORS}
    assert set(ours()) >= {"portal", "agent"} | MV_SERVICES | processors
    for name, service in ours().items():
        build = service["build"]
        context = (DOCKER / build["context"]).resolve()
        assert context == REPO, f"{name}: build context {context}"
        assert (context / build["dockerfile"]).resolve() == DOCKER / "Dockerfile"


def test_dockerfile_shape() -> None:
    instructions = dockerfile_instructions()
    stages = dockerfile_stages()
    names = [name for name, _, _ in stages]
    assert len(set(names)) == len(names), names
    for number, (name, base, _) in enumerate(stages):
        earlier = names[:number]
        assert base in earlier or base in BASE_IMAGES, f"{name}: FROM {base}"
    for target in IMAGE_NAMES:
        lineage = stage_lineage(target)
        users = [args for _, _, body in lineage for keyword, args in body if keyword == "USER"]
        assert users and users[-1] not in ("root", "0"), f"{target} must run as a non-root user"
        entries = [
            json.loads(args)
            for _, _, body in lineage
            for keyword, args in body
            if keyword == "ENTRYPOINT"
        ]
        assert entries == [[DEFAULT_ENTRYPOINT]], f"{target}: ENTRYPOINT {entries}"
        # Without the rewrite, importing any of the SDK's messages fails on protobuf 7's upb.
        runs = [args for _, _, body in lineage for keyword, args in body if keyword == "RUN"]
        assert any("pip install" in a and "smartblocks.protos.sdk" in a for a in runs), target
    installs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert "[dev]" not in installs, "the image installs no dev extras"
    # Every folder setup.py maps into the package must reach the build stage.
    copied = {
        args.split()[0].rstrip("/")
        for keyword, args in instructions
        if keyword == "COPY" and not args.startswith("--from")
    }
    assert set(setup_folders()) <= copied, f"not copied: {set(setup_folders()) - copied}"


def test_the_default_target_is_the_slim_image_without_the_mv_extra() -> None:
    """Processors never import the M&V libraries (import contract validator-side-no-mv); their
    image does not carry them either. `docker build` with no --target builds the last stage."""
    assert dockerfile_stages()[-1][0] == SLIM_TARGET
    for target in (SLIM_TARGET, MV_TARGET):
        assert target in {name for name, _, _ in dockerfile_stages()}, f"no stage {target}"
    slim_installs = [
        args
        for _, _, body in stage_lineage(SLIM_TARGET)
        for keyword, args in body
        if keyword == "RUN"
    ]
    assert slim_installs and not any("[mv]" in args for args in slim_installs), slim_installs
    assert not any("wheels-mv" in args for args in slim_installs), "slim sees the mv wheels"
    # The mv image is the slim one plus the extra, installed offline from built wheels.
    slim_bases = [name for name, _, _ in stage_lineage(SLIM_TARGET)][:-1]
    mv_lineage = [name for name, _, _ in stage_lineage(MV_TARGET)]
    assert slim_bases and mv_lineage[: len(slim_bases)] == slim_bases, (slim_bases, mv_lineage)
    mv_runs = [args for keyword, args in stage_lineage(MV_TARGET)[-1][2] if keyword == "RUN"]
    assert any(
        "smartblocks[mv]" in args and "--no-index" in args and "from=" in args for args in mv_runs
    ), mv_runs
    assert "mv" in PYPROJECT["project"]["optional-dependencies"]


def test_only_the_prediction_service_runs_on_the_mv_image() -> None:
    for name, service in ours().items():
        target = build_target(service)
        assert target in IMAGE_NAMES, f"{name}: unknown build target {target}"
        if name in MV_SERVICES:
            assert target == MV_TARGET, f"{name} needs the mv extra: target {MV_TARGET}"
            assert service["command"][0] in MV_COMMANDS
        else:
            assert target == SLIM_TARGET, f"{name}: processors and clients use the slim image"
            assert service["command"][0] not in MV_COMMANDS, f"{name} needs the mv image"
    # One image name per target, so `dc build` never tags both targets alike.
    images: dict[str, set[str]] = {}
    for service in ours().values():
        images.setdefault(service["image"], set()).add(build_target(service))
    assert all(len(targets) == 1 for targets in images.values()), images


def setup_folders() -> list[str]:
    tree = ast.parse((REPO / "setup.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "FOLDERS":
            return list(ast.literal_eval(node.value))
    raise AssertionError("setup.py has no FOLDERS list")


def test_commands_are_console_scripts_our_clis_accept() -> None:
    parsers = {
        "smartblocks": smartblocks_cli.build_parser,
        "blockmeter": blockmeter_cli.build_parser,
    }
    for name, service in ours().items():
        script = entrypoint(service)
        assert script in SCRIPTS, f"{name}: {script} is not in [project.scripts]"
        try:
            args = parsers[script]().parse_args(service["command"])
        except SystemExit:
            pytest.fail(f"{name}: `{script}` rejects {service['command']} (see stderr)")
        assert getattr(args, "func", None), f"{name}: {service['command']} runs nothing"
        if service["command"][0] == "tp":
            check_component_url(args.connect)


def test_mounted_configs_load_and_point_at_the_network() -> None:
    portal = load_portal_config(DOCKER / "config" / "portal.toml")
    assert portal.users == {}, "no user or password hash ships in the repository"
    command = SERVICES["portal"]["command"]
    flags = dict(zip(command[1::2], command[2::2], strict=False))
    assert flags["--rest-api"] == "http://rest-api-0:8008"
    assert flags["--component"] == "tcp://validator-0:4004"
    assert flags["--data-dir"].startswith("/var/lib/smartblocks")

    agent = agent_config.load(DOCKER / "config" / "agent.toml")
    assert agent.rest_urls == tuple(f"http://rest-api-{n}:8008" for n in sorted(VALIDATORS))
    for path in (agent.key_file, agent.spool):
        assert path.is_relative_to("/var/lib/smartblocks"), f"{path} is not in the agent volume"
    assert SERVICES["agent"]["profiles"] == ["agent"]


def test_the_prediction_service_config_loads_and_points_at_the_network() -> None:
    service = SERVICES["predict"]
    assert service["profiles"] == ["predict"]
    command = service["command"]
    assert command[:2] == ["predict", "--config"]
    mounts = {mount_target(m): m for m in service["volumes"]}
    config_mount = mounts[command[2]]
    assert config_mount.endswith(":ro"), config_mount
    host_config = (DOCKER / mount_source(config_mount)).resolve()
    assert host_config == DOCKER / "config" / "predict.toml"

    config = load_predict_config(host_config)
    assert config.rest_api == "http://rest-api-0:8008"
    assert config.component == "tcp://validator-0:4004"
    check_component_url(config.component)
    volume = "/var/lib/smartblocks"
    assert f"predict-data:{volume}" in service["volumes"]
    paths = [config.key, config.state] + [m.baseline for m in config.meters if m.baseline]
    for path in paths:
        assert path.is_relative_to(volume), f"{path} is not in the predict-data volume"
    assert config.weather.kind == "csv"
    weather_mount = mounts[str(config.weather.folder)]
    assert weather_mount.endswith(":ro"), weather_mount
    assert (DOCKER / mount_source(weather_mount)).is_dir()
    # Forecasts are for meters the agent's site has.
    agent = agent_config.load(DOCKER / "config" / "agent.toml")
    agent_meters = {meter.id for meter in agent.meters}
    assert {m.meter_id for m in config.meters} <= agent_meters

    assert service["depends_on"] == {
        "rest-api-0": {"condition": "service_healthy"},
        "blockpredict-tp-0": {"condition": "service_started"},
    }


@pytest.mark.parametrize("script", sorted((DOCKER / "scripts").glob("*.sh")), ids=lambda p: p.name)
def test_start_scripts_are_valid_bash(script: Path) -> None:
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_docker_compose_accepts_the_file() -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker CLI on this machine")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        reason = (probe.stderr.strip().splitlines() or ["no output"])[0]
        pytest.skip(f"`docker compose` is not available: {reason}")
    result = subprocess.run(
        [docker, "compose", "-f", str(DOCKER / "compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_only_the_genesis_validator_takes_the_blockmeter_authorities() -> None:
    """validator.sh puts BLOCKMETER_AUTHORITIES into the genesis settings; it is read from the
    environment of `docker compose`, so no key is written into the file."""
    for number, validator in VALIDATORS.items():
        environment = validator["environment"]
        if number == 0:
            assert environment["GENESIS"] == "1"
            assert environment["BLOCKMETER_AUTHORITIES"] == "${BLOCKMETER_AUTHORITIES:-}"
        else:
            assert "BLOCKMETER_AUTHORITIES" not in environment
