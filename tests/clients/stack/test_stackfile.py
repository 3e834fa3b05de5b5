"""stack.toml: ports and demo settings, components, and errors that name file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartblocks.clients.stack import stackfile
from smartblocks.clients.stack.stackfile import Ports
from smartblocks.ledger.errors import ConfigError

REPO = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "stack.toml"
    path.write_text(text)
    return path


def test_the_documented_example_is_valid() -> None:
    stack = stackfile.load(REPO / "docs" / "stack.example.toml")
    assert stack.ports == Ports()
    assert [c.name for c in stack.components] == ["devnet", "tp-blockmeter", "portal"]
    devnet = stack.components[0]
    assert devnet.command[:2] == ("smartblocks", "devnet")
    assert devnet.ready == "http://127.0.0.1:8008/status"


def test_defaults_without_a_file_section() -> None:
    stack = stackfile.parse({})
    assert stack.ports.labelled() == [
        ("component", 4004),
        ("rest_api", 8008),
        ("portal", 8080),
        ("agent_metrics", 9464),
    ]
    assert stack.demo.days == 2 and stack.components == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[ports]\nrest_api = 70000\n", r"stack.toml:2: ports.rest_api: must be an integer"),
        ("[ports]\nportal = 8008\n", r"stack.toml:2: ports.portal: port 8008 is also given"),
        ("[ports]\nrest = 1\n", r"stack.toml:2: ports.rest: unknown key"),
        (
            "[demo]\nprogress_s = 'x'\n",
            r"stack.toml:2: demo.progress_s: must be a number of seconds",
        ),
        (
            '[[components]]\nname = "a"\ncommand = ["x"]\n[[components]]\nname = "b"\n'
            'command = "smartblocks devnet"\n',
            r"stack.toml:6: components\[1\].command: must be a list of strings",
        ),
        (
            '[[components]]\nname = "a"\ncommand = ["x"]\nready = "localhost:80"\n',
            r"stack.toml:4: components\[0\].ready: must be tcp://HOST:PORT",
        ),
        (
            '[[components]]\nname = "a"\ncommand = ["x"]\n[[components]]\nname = "a"\n'
            'command = ["y"]\n',
            r"stack.toml:5: components\[1\].name: duplicate name 'a'",
        ),
        ("[ports\n", r"stack.toml: not valid TOML"),
    ],
)
def test_errors_name_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        stackfile.load(write(tmp_path, text))


def test_components_with_env_oneshot_and_timeout(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[components]]\nname = "prep"\ncommand = ["true"]\noneshot = true\n'
        '[[components]]\nname = "web"\ncommand = ["python3", "-m", "http.server"]\n'
        'ready = "tcp://127.0.0.1:8000"\nready_timeout_s = 5\nenv = { A = "1" }\n',
    )
    prep, web = stackfile.load(path).components
    assert prep.oneshot and prep.ready is None
    assert web.env == {"A": "1"} and web.ready_timeout_s == 5.0 and not web.oneshot


def test_the_market_scenarios_run_only_when_asked(tmp_path: Path) -> None:
    from smartblocks.clients.stack import demo

    assert stackfile.parse({}).demo.markets is False
    assert stackfile.load(write(tmp_path, "[demo]\nmarkets = true\n")).demo.markets is True
    ports = stackfile.StackFile().ports
    names = [c.name for c in demo.components(tmp_path, ports)]
    assert "markets" not in names
    with_markets = [c.name for c in demo.components(tmp_path, ports, markets=True)]
    assert with_markets == [*names, "markets"]
