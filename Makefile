# Two commands for a newcomer: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := .demo-data
export QT_QPA_PLATFORM ?= $(if $(DISPLAY)$(WAYLAND_DISPLAY),,offscreen)

.PHONY: run test lint check screenshots bench migration clean bytecode

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The app's modules compiled ahead, as an installed package's are: where the environment does not write
# bytecode (PYTHONDONTWRITEBYTECODE), every start would compile them again.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q exam_app migrations

## run: open the app on a local SQLite database with demo data (made on first run), signed in as the
## demo physiotherapist (the demo accounts and their passwords are in the README)
run: $(STAMP) bytecode
	test -f $(DEMO_DIR)/exam-records.sqlite3 || { \
	  echo admin-demo-2026 | $(BIN)/exam-app --data-dir $(DEMO_DIR) user add admin --role admin \
	    --full-name "Clinic administrator" --password-stdin && \
	  EXAM_APP_PASSWORD=admin-demo-2026 $(BIN)/exam-app --data-dir $(DEMO_DIR) --user admin demo; }
	EXAM_APP_PASSWORD=physio-demo-2026 $(BIN)/exam-app --data-dir $(DEMO_DIR) --user pt.smith

## test: lint, type checks, layer contracts and the whole test suite, headless
test: $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check exam_app tests bench tools migrations
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

## bench: print the speed and memory figures of bench/
bench: $(STAMP) bytecode
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run.py

## screenshots: render every screen offscreen into docs/screenshots/
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py docs/screenshots

## migration: autogenerate a migration from the models, MESSAGE="what changed"
migration: $(STAMP)
	$(BIN)/python tools/new_migration.py "$(MESSAGE)"

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
