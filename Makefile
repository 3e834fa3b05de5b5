# Every target bootstraps .venv on first use; later runs only check that it is current.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime
# grpcio-tools is only a code generator here (its bundled protoc matches protobuf 7.36), so it is
# installed without its deps (grpcio, which nothing runs).
PROTOC_PKG := grpcio-tools==1.85.4
# The SDK's message modules, rewritten for protobuf 7's upb backend (docs/protobuf.md).
SDK_PROTOS := $(BIN)/python -m smartblocks.protos.sdk
# setuptools' editable build warns "Editable installation ... folders in your working directory
# with the same name as your package" (setup.py maps each folder to smartblocks.<folder>, so it
# installs a meta path finder) and pip shows that warning even with --quiet. It is information
# only: silenced in pip's build subprocess, which inherits PYTHONWARNINGS.
EDITABLE := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e

.PHONY: venv test test-slow lint format bench protos demo clean

venv: $(STAMP)

$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(EDITABLE) '.[dev,mv]'
	$(BIN)/python -m pip install --quiet --no-deps $(PROTOC_PKG)
	$(SDK_PROTOS)
	@touch $(STAMP) $(RUNTIME_STAMP)

# The package, its runtime dependencies and the M&V extra (no test, lint or codegen tools): what
# the demo needs. A full install above counts as one.
$(RUNTIME_STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(EDITABLE) '.[mv]'
	$(SDK_PROTOS)
	@touch $(RUNTIME_STAMP)

# Debian's chromium for the portal's browser tests (needs root and the Debian registry).
# Without it those tests skip locally; under CI=true they fail.
BROWSER := $(VENV)/.browser
$(BROWSER):
	@tools/install-browser.sh && touch $@ || echo "warning: chromium not installed; browser tests will skip"

# BlockPortal's browser libraries (uPlot, @noble/secp256k1, @noble/hashes) from npm into
# clients/portal/static/vendor/, never committed; again whenever the lock file changes.
PORTAL_ASSETS := clients/portal/static/vendor/.installed
$(PORTAL_ASSETS): clients/portal/package-lock.json tools/install-portal-assets.sh
	@tools/install-portal-assets.sh
	@touch $@

test: $(STAMP) $(BROWSER) $(PORTAL_ASSETS)
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# The slow suites (fault injection, long end-to-end runs, long fuzz, M&V fits, the real Sawtooth
# 1.0 interop suite): CI runs them after `make test`.
test-slow: $(STAMP) $(BROWSER) $(PORTAL_ASSETS)
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

# lint-imports: the import contracts in pyproject.toml ([tool.importlinter]).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The whole system on one machine (README.md, "The demo"); `make demo DEMO_ARGS=--fresh` starts
# over. Needs the venv and the portal's npm libraries: the pages are plain HTML and ES modules,
# with no build step.
demo: $(RUNTIME_STAMP) $(PORTAL_ASSETS)
	$(BIN)/smartblocks up --demo $(DEMO_ARGS)

# `make bench BENCH_ARGS="devnet --quick --url http://HOST:8008 --component tcp://HOST:4004"`
# measures an operator's validator (docs/operations.md, "Measuring your own network").
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

protos: $(STAMP)
	$(BIN)/python -m smartblocks.protos.build

clean:
	rm -rf $(VENV) build *.egg-info
