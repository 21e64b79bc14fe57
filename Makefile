# Targets for development; CI runs .ci/run (the README's test command).
PY ?= python

.PHONY: check lint test e2e snap-update bench

check: lint test

lint:
	ruff check calmtui tests benchmarks e2e
	ruff format --check calmtui tests benchmarks e2e
	pyright
	lint-imports

test:
	$(PY) -m pytest -q -n 2

e2e:
	$(PY) -m pytest -q e2e

# SVG snapshots depend on the Textual version (pinned) and the Python version: update only on 3.11.
snap-update:
	@$(PY) -c "import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 'snapshots are only updated on Python 3.11')"
	$(PY) -m pytest tests/tui/test_snapshots.py --snapshot-update

bench:
	$(PY) benchmarks/bench_cli.py
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_understanding.py
	$(PY) benchmarks/bench_actions.py
	$(PY) benchmarks/bench_test_runner.py
	$(PY) benchmarks/bench_knowledge.py
	$(PY) benchmarks/bench_tui.py
