# One laptop, nothing but Python: `make run` serves a demo exercise; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install chromium run test test-fast screenshots lint format lock bench bench-all clean

# The linters need no secret. The laptop demo runs with DEBUG off (safe to open to a classroom
# network: no debug pages) and a secret generated once into .secret-key (git-ignored), kept so
# that sessions survive a restart; production sets SECRET_KEY itself.
lint: export DEBUG ?= 1

install: $(STAMP)

$(STAMP): requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $(STAMP)

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium package (needs root)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# Embedded default: SQLite, live events in memory, in-process game clock.
run: install .secret-key
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_scenarios
	$(BIN)/python manage.py demo --host $(HOST) --port $(PORT)
	SECRET_KEY="$${SECRET_KEY:-$$(cat .secret-key)}" \
	  $(BIN)/python -m uvicorn wargame.asgi:application --host $(HOST) --port $(PORT) --ws websockets-sansio

.secret-key:
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

test-fast: install
	$(BIN)/python -m pytest -q -x

# The README's screenshots (docs/screenshots/), from the browser session test; `make test`
# leaves them alone.
screenshots: install chromium
	WRITE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/e2e/test_session.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py protocol_docs --check

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-resolve the lock files (needs uv: `pip install uv`).
lock:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements.lock
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements-dev.lock

bench: install
	$(BIN)/python bench/fanout.py

# Every benchmark, one JSON line each (docs/performance.md): fan-out against the bare Channels
# chat, opening a page (server and Chromium), and the schema library on the hot path.
bench-all: install chromium
	$(BIN)/python bench/fanout.py --compare-chat
	PYTHONPATH=. $(BIN)/python bench/welcome.py
	PYTHONPATH=. $(BIN)/python bench/page_load.py
	$(BIN)/python bench/schemas.py

clean:
	rm -rf $(VENV) .pytest_cache db.sqlite3*
