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

## The SQLite and PostgreSQL runs side by side, then the browser tests alone (tests/run_suites.sh).
test-python: setup frontend
	VENV=$(VENV) PG_TEST_URL=$(PG_TEST_URL) tests/run_suites.sh

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
