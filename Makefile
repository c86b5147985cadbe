# Zongzhi: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000
SIZE ?= small
# `make bench ONLY=registry` (or cases, alerts, office, field, stats): one area's figures alone (zongzhi/bench.py --only).
ONLY ?= all

.PHONY: run test setup frontend lint typecheck test-python test-frontend test-pg-roles openapi demo bench bench-pg clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend: frontend/node_modules/.installed
	cd frontend && npm run build

openapi: setup
	$(PY) manage.py export_openapi build/openapi.json

## Run the system on its embedded default: SQLite, demo data, in-process background work.
run: setup frontend
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo --size $(SIZE)
	@echo "综治信息系统: http://$(HOST):$(PORT)/  (手机端 http://$(HOST):$(PORT)/m/ , 接口文档 /api/docs)"
	@echo "数据在 var/ (重置: 停止后 rm -rf var, 再 make run); 选项: make run PORT=8080 SIZE=large"
	$(VENV)/bin/gunicorn -c python:zongzhi.gunicorn_config zongzhi.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile -

## Every check CI runs: lint, types, migrations, front end, tests on SQLite and on PostgreSQL.
test: setup frontend lint typecheck test-frontend test-python

lint: setup
	$(VENV)/bin/ruff check zongzhi tests conftest.py
	$(VENV)/bin/ruff format --check zongzhi tests conftest.py
	$(PY) manage.py makemigrations --check --dry-run
	ZONGZHI_SECRET_KEY=deploy-check-x9K2mQ7vL4pR8tW1zB5nC3hF6jD0gS2aE7yU4iO ZONGZHI_DATA_KEY=dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd ZONGZHI_AUDIT_KEY=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa DATABASE_URL=$(PG_TEST_URL) $(PY) manage.py check --deploy --fail-level WARNING

typecheck: setup
	$(VENV)/bin/mypy zongzhi

test-frontend: frontend openapi
	cd frontend && npm run check:api && npm run typecheck && npm test

## Ends with one line saying what ran and what was skipped, and why. Outside CI a missing
## PostgreSQL database or Debian chromium skips that part; in CI either is a failure.
test-python: setup frontend
	@if [ -x /usr/bin/chromium ]; then browser="ran"; \
	elif [ -n "$$CI" ]; then echo "Debian chromium (/usr/bin/chromium) is required in CI"; exit 1; \
	else browser="skipped (no /usr/bin/chromium: apt-get install chromium)"; fi; \
	$(VENV)/bin/pytest || exit 1; \
	if why=$$($(PY) -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" '$(PG_TEST_URL)' 2>&1); then \
		echo "== PostgreSQL =="; \
		DATABASE_URL=$(PG_TEST_URL) ZONGZHI_SECRET_KEY=test $(VENV)/bin/pytest -m "not browser" || exit 1; \
		PG_TEST_URL=$(PG_TEST_URL) $(PY) .ci/pg_roles_check.py || exit 1; \
		pg="passed"; \
	else \
		why=$$(printf '%s\n' "$$why" | grep -m1 'failed: ' | sed -e 's/.*failed: //' -e 's/^FATAL: *//'); \
		if [ -n "$$CI" ]; then echo "PostgreSQL at $(PG_TEST_URL) is required in CI: $$why"; exit 1; fi; \
		pg="skipped ($(PG_TEST_URL): $$why; set PG_TEST_URL=...)"; \
	fi; \
	echo "== Tests: SQLite passed; browser tests $$browser; PostgreSQL $$pg"

## PostgreSQL under a production deployment's two roles: the owner migrates, the application
## role (INSERT and SELECT only on the audit tables) runs the demo and seals and verifies the chain.
test-pg-roles: setup
	PG_TEST_URL=$(PG_TEST_URL) $(PY) .ci/pg_roles_check.py

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo --size $(SIZE)

bench: setup
	$(PY) -m zongzhi.bench --size $(SIZE) --only $(ONLY)

## The same figures on PostgreSQL (a scratch database, dropped and recreated).
bench-pg: setup
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/zongzhi_bench} $(PY) -m zongzhi.bench --size $(SIZE) --only $(ONLY)

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist build var
