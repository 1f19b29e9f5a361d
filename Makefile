# ogc-hysds: the two commands are `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# .python-version names the interpreter; pyenv finds it, else python3.12 on PATH.
PYTHON ?= $(shell pyenv which python 2>/dev/null || command -v python3.12)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 5000
PRODUCTS ?= 300

.PHONY: install system-deps demo test lint conformance devstack-up devstack-down serve clean

## system-deps: Debian packages the devstack needs (RabbitMQ, Java 17, Maven) and the
## client tests use (GDAL's ogrinfo/ogr2ogr, QGIS for the system Python).
system-deps:
	@missing=""; \
	[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing="$$missing rabbitmq-server"; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v ogrinfo >/dev/null || missing="$$missing gdal-bin"; \
	/usr/bin/python3 -c 'import qgis' 2>/dev/null || missing="$$missing python3-qgis"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

## install: .venv (Python 3.12) with the package and its test dependencies.
install: system-deps $(BIN)/ogc-hysds

$(BIN)/ogc-hysds: pyproject.toml
	@[ -n "$(PYTHON)" ] || { echo "Python 3.12 not found (see .python-version)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	@touch $@

devstack-up: install
	$(BIN)/ogc-hysds devstack up

devstack-down:
	@[ ! -x $(BIN)/ogc-hysds ] || $(BIN)/ogc-hysds devstack down

## demo: devstack up, seed it, serve the API on http://$(HOST):$(PORT) with the
## HySDS simulator running beside it (stopped with the server), so jobs complete.
demo: devstack-up
	$(BIN)/ogc-hysds devstack seed --products $(PRODUCTS)
	@bash scripts/demo.sh $(HOST) $(PORT)

serve: install
	$(BIN)/ogc-hysds serve --host $(HOST) --port $(PORT)

## lint: formatting, lint rules and types.
lint: install
	$(BIN)/ruff format --check ogc_hysds tests bench
	$(BIN)/ruff check ogc_hysds tests bench
	$(BIN)/mypy

## test: the whole suite on a real devstack (started here, stopped again if it was).
test: install lint
	@bash scripts/run-tests.sh $(PYTEST_ARGS)

## conformance: OGC CITE suites for Features and Processes (see docs/conformance.md).
conformance: install
	@bash scripts/conformance.sh

clean: devstack-down
	rm -rf $(VENV) .devstack .pytest_cache .mypy_cache .ruff_cache
