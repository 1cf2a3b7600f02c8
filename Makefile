# Two commands a newcomer needs: `make demo` and `make test`. Only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo demo-once test test-fast bench clean secrets

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install letterwatch with its test tools

demo: install  ## crawl the bundled sample news site, print the letters, serve API and page
	$(BIN)/letterwatch demo --database letterwatch.db

demo-once: install  ## the same, exiting after printing the letters
	$(BIN)/letterwatch demo --once --database letterwatch.db

test: install  ## the whole test suite (PostgreSQL and browser tests skip if absent, outside CI)
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: install  ## without the tests that start processes, servers or browsers
	$(BIN)/python -m pytest -q -m "not slow and not browser"

bench: install  ## every benchmark; figures go to the terminal and bench/results/
	$(BIN)/python -m pip install --quiet -e '.[bench]'
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
