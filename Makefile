# The two commands of the README: `make demo` (the main job) and `make test` (the whole suite).
# Both bootstrap .venv on first use; later runs skip it unless pyproject.toml changed.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV    := .venv
PY      := $(VENV)/bin/python
HOTLINE := $(VENV)/bin/hotline
PYTHON  ?= python3
# Re-install only when pyproject.toml changes (the stamp is keyed on its hash).
STAMP   := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-16)

# `make test` runs its own Kafka and ClickHouse (own state folder and ports), so it never
# touches the services of `make up` / `make demo` and can run while they are up.
TEST_ENV := HOTLINE_STATE_DIR=.hotline/test \
            HOTLINE_KAFKA_BOOTSTRAP=127.0.0.1:39092 HOTLINE_KAFKA_CONTROLLER_PORT=39093 \
            HOTLINE_CLICKHOUSE_PORT=39000 HOTLINE_CLICKHOUSE_HTTP_PORT=38123 \
            HOTLINE_MODE=test HOTLINE_TEST_RESTARTS=1
PYTEST_ARGS ?=

.PHONY: bootstrap demo test up down status

bootstrap: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: bootstrap
	$(HOTLINE) demo

# Start the test services, run pytest, ALWAYS stop them, exit with pytest's status
# (exit 5, "no tests collected", counts as a failure).
test: bootstrap
	@export $(TEST_ENV); \
	trap '$(HOTLINE) infra down || true' EXIT; \
	$(HOTLINE) infra down >/dev/null 2>&1 || true; \
	$(HOTLINE) infra up; \
	status=0; $(VENV)/bin/pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; status=1; fi; \
	exit $$status

up: bootstrap
	$(HOTLINE) infra up

down: bootstrap
	$(HOTLINE) infra down

status: bootstrap
	$(HOTLINE) infra status
