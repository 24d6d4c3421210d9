# Schatkaart. `make demo` runs the app with demo data; `make test` runs every test.
.PHONY: demo test setup setup-test lint format test-sqlite test-postgis bench
VENV := .venv/bin
export FLASK_APP := schatkaart

setup:
	@bash scripts/setup.sh demo

setup-test:
	@bash scripts/setup.sh test

demo: setup
	@$(VENV)/flask db upgrade 2>&1 | grep -v '^INFO' || true
	@$(VENV)/flask demo seed
	@echo "Schatkaart draait op http://127.0.0.1:5000  (Ctrl+C stopt)"
	@MAIL_BACKEND=$${MAIL_BACKEND:-file} $(VENV)/flask run --host 127.0.0.1 --port 5000

lint:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/lint-imports
	$(VENV)/bandit -q -ll -r platform_core maps initiatives participation challenges trajectories response ambassadors reports credits council privacy schatkaart wsgi.py

format:
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

test: setup-test lint
	@bash scripts/test.sh

bench: setup-test
	@bash scripts/bench.sh
