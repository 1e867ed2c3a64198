# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/policyhub

.PHONY: run serve test test-postgres lint format install migrate demo clean bench bench-import bench-pages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever a requirements file changes.
$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# axe-core for the accessibility audits in the browser tests (npm registry, pinned in the lock file).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo --with-superuser

run: demo
	@echo
	@echo "  PolicyHub is starting at http://127.0.0.1:8000/"
	@echo "  Admin: http://127.0.0.1:8000/admin/  (user: admin, password: admin — local demo database only)"
	@echo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production mode on this machine: DEBUG off, gunicorn, WhiteNoise serving hashed and compressed
# static files. The secret key is generated once into .serve-secret-key (gitignored). Workers
# share the page cache and sessions through CACHE_URL: a file cache here, Redis across machines.
SERVE_PORT ?= 8000
SERVE_WORKERS ?= 2
SERVE_CACHE_URL ?= filecache://$(CURDIR)/.serve-cache
SERVE_ENV = DEBUG=false SECRET_KEY="$$(cat .serve-secret-key)" SECURE_SSL_REDIRECT=false \
	CACHE_URL="$${CACHE_URL:-$(SERVE_CACHE_URL)}"

.serve-secret-key: | $(BIN)/python
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(64))" > $@

serve: demo .serve-secret-key
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v 0
	@# Pages, counts and cards cached by an earlier version of the code must not be served.
	$(SERVE_ENV) $(BIN)/python manage.py clear_page_cache
	@echo
	@echo "  PolicyHub (DEBUG off, gunicorn x $(SERVE_WORKERS)) at http://127.0.0.1:$(SERVE_PORT)/"
	@echo
	$(SERVE_ENV) $(BIN)/gunicorn policyhub.wsgi --no-control-socket \
		--bind 127.0.0.1:$(SERVE_PORT) --workers $(SERVE_WORKERS) --access-logfile -

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n 2

# The same suite against PostgreSQL (CI runs this leg; an unreachable server is a failure).
test-postgres: install
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -n 2 -p no:cacheprovider

bench: install
	$(BIN)/python bench/search_bench.py

# Import of 10,000 and 100,000 synthetic publications into a fresh SQLite database (bench/README.md).
bench-import: install
	$(BIN)/python bench/import_bench.py 10000 100000

# Reader pages behind gunicorn, cached and not, with a 60 s wrk load run (apt-get install wrk).
bench-pages: install
	$(BIN)/python bench/pages_bench.py --count 10000 --db sqlite --load

clean:
	rm -rf $(VENV) node_modules .pytest_cache staticfiles .serve-cache .django-cache
