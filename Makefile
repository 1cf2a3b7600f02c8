# Two commands a newcomer needs: `make demo` and `make test`. Only Python 3.11+ and make.
# Installs come from the lock in requirements/ (exact versions, checked by hash); `make lock`
# refreshes it after a change to pyproject.toml's dependencies.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# uv resolves the lock (and the lowest-versions check in CI); its version lives here only.
UV_VERSION ?= 0.13.9
UV := $(BIN)/uv
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet \
	--custom-compile-command "make lock"

.PHONY: install demo demo-once test test-fast lint lock lock-upgrade bench clean secrets

$(STAMP): pyproject.toml requirements/test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# A dependency named in pyproject.toml but missing from the lock fails here, not later.
	$(BIN)/python -m pip check || { echo "requirements/ lacks what pyproject.toml asks for: run make lock"; exit 1; }
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install letterwatch with its test tools, from the lock

demo: install  ## crawl the bundled sample news site, print the letters, serve API and page
	$(BIN)/letterwatch demo --database letterwatch.db

demo-once: install  ## the same, exiting after printing the letters
	$(BIN)/letterwatch demo --once --database letterwatch.db

lint: install  ## ruff: pyflakes, bugbear, simplify and complexity rules (pyproject.toml)
	$(BIN)/ruff check --quiet .

test: lint  ## the linter, then the whole test suite (PostgreSQL and browser tests skip if absent, outside CI)
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: install  ## without the tests that start processes, servers or browsers
	$(BIN)/python -m pytest -q -m "not slow and not browser"

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"

lock: $(UV)  ## write requirements/*.txt from pyproject.toml, keeping the versions already locked
	$(UV) pip compile pyproject.toml $(LOCK_FLAGS) $(LOCK_ARGS) -o requirements/runtime.txt
	$(UV) pip compile pyproject.toml $(LOCK_FLAGS) $(LOCK_ARGS) --extra test -o requirements/test.txt
	$(UV) pip compile pyproject.toml $(LOCK_FLAGS) $(LOCK_ARGS) --extra test --extra bench \
	  -o requirements/bench.txt

lock-upgrade:  ## the same, every package at its newest version that fits
	$(MAKE) lock LOCK_ARGS=--upgrade

bench: install  ## every benchmark; figures go to the terminal and bench/results/
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/bench.txt
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

SECRETS := secrets/db_password secrets/admin_token secrets/read_token secrets/secret_key

secrets: $(SECRETS)  ## random passwords, tokens and sealing key for `docker compose up`

# The folder is the owner's only; the files are readable, because compose mounts each one
# as it is and the containers read them as their own users (letterwatch is uid 10001).
secrets/%:
	@mkdir -p secrets && chmod 700 secrets
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(32), end='')" > $@
	@chmod 644 $@
	@echo "wrote $@"

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
