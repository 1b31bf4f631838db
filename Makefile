# The two commands of the README: `make serve` and `make test`. Each sets up .venv on a fresh machine.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv port-free serve test test-fast lint bench train eval clean

$(BIN)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	# torch first, as the CPU build on disk; otherwise sentence-transformers pulls a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

venv: $(BIN)/.installed

# Said at once, not after the install and the ingest: another server already holds the port.
port-free:
	@$(PY) -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('$(HOST)', $(PORT)))" 2>/dev/null \
	  || python3 -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('$(HOST)', $(PORT)))" 2>/dev/null \
	  || { echo "port $(PORT) on $(HOST) is busy: run make serve PORT=8001 (or stop what listens there)"; exit 2; }

serve: port-free venv
	$(BIN)/unea-mandates serve --host $(HOST) --port $(PORT) --ingest-bundled

# Elasticsearch tests included: on the noida-db stand-in, or on $$ELASTICSEARCH_URL when set (index/README.md)
test: venv
	$(BIN)/python -m pytest -q

# The loop while coding: SQLite only, no browser, no retrain or simulation, stop at the first failure.
test-fast: venv
	$(BIN)/python -m pytest -q -x -m "not elasticsearch and not browser and not slow"

lint: venv
	$(BIN)/ruff check .

bench: venv
	$(BIN)/python bench/run_all.py

train: venv
	$(BIN)/unea-mandates train

eval: venv
	$(BIN)/unea-mandates eval

clean:
	rm -rf $(VENV) data .pytest_cache
