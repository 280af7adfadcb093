# Quartier: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck format messages lock check-migrations browser-deps clean bench backup restore

run: $(STAMP)
	$(BIN)/python -m quartier.devenv run

# Two pytest processes (pytest-xdist); PYTEST_WORKERS=0 runs the suite in one. Tests that share one seed stay on
# one worker (--dist loadgroup, tests/demo/conftest.py). The bytecode (pytest's rewritten tests too) is kept in
# var/pycache for the next run and the processes the tests start, also where the environment asks Python to write
# none: compiling everything again took each pytest process about 7 s before its first test. (That of the tests'
# temporary copies of the code, under /tmp, is not kept.)
PYTEST_WORKERS ?= 2
test: $(STAMP)
	rm -rf $(CURDIR)/var/pycache/tmp
	PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/var/pycache \
		$(BIN)/python -m quartier.devenv test -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

install: $(STAMP)

# The dev lock: the runtime lock (what the production image installs) and the development tools on top.
$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with the Django plugin on every app's services and selectors (pyproject.toml, [tool.mypy]); the plugin loads
# the settings, which need no real database or Redis for that. The cache lives in var/mypy.
typecheck: $(STAMP)
	DEBUG=1 DATABASE_URL=postgresql://unused/unused REDIS_URL=redis://unused $(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: $(STAMP)
	$(BIN)/python -m quartier.devenv exec $(BIN)/python manage.py makemigrations --check --dry-run

# Update the catalogues (German, English, Turkish, Arabic) from the source (needs GNU gettext), then compile them.
# Turkish and Arabic must be complete for the public pages' messages (tests/test_translations.py says which).
messages: $(STAMP)
	DEBUG=1 DATABASE_URL=postgresql://unused/unused REDIS_URL=redis://unused \
		$(BIN)/python manage.py makemessages --locale de --locale en --locale tr --locale ar --no-obsolete \
		--ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python -m quartier.devenv compilemessages

# Re-pin after changing pyproject.toml, in a throw-away venv: requirements.lock gets the runtime dependencies and
# everything they need (all the production image installs), requirements-dev.lock `-r requirements.lock` and the dev
# group resolved on top of exactly those pins. Versions pinned already are kept; `make lock UPGRADE=1` pins every
# package anew at its newest fitting version.
LOCK_VENV := .venv-lock
LOCK_DEPS = $(PYTHON) -c "import sys, tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	print('\n'.join(p['optional-dependencies'][sys.argv[1]] if sys.argv[1:] else p['dependencies']))"
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --upgrade pip
	$(if $(UPGRADE),touch $(LOCK_VENV)/pinned.txt,grep -sh '==' requirements.lock requirements-dev.lock > $(LOCK_VENV)/pinned.txt || true)
	$(LOCK_DEPS) > $(LOCK_VENV)/runtime.in && $(LOCK_DEPS) dev > $(LOCK_VENV)/dev.in
	$(LOCK_VENV)/bin/pip install --quiet -c $(LOCK_VENV)/pinned.txt -r $(LOCK_VENV)/runtime.in
	(echo "# Exact versions of the runtime packages: what the production image installs. Refresh with 'make lock'."; \
	 $(LOCK_VENV)/bin/pip freeze --exclude-editable) > requirements.lock
	$(LOCK_VENV)/bin/pip install --quiet -c $(LOCK_VENV)/pinned.txt -c requirements.lock -r $(LOCK_VENV)/dev.in
	$(LOCK_VENV)/bin/pip freeze --exclude-editable | grep -vxF -f requirements.lock > $(LOCK_VENV)/dev.txt
	(echo "# The runtime packages and exact versions of the development tools, installed by 'make install'."; \
	 echo "# Refresh with 'make lock'."; echo "-r requirements.lock"; cat $(LOCK_VENV)/dev.txt) > requirements-dev.lock
	rm -rf $(LOCK_VENV)

# Debian's Chromium for the browser tests (never a browser download).
browser-deps:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# Benchmarks, not timed tests (benchmarks/README.md): embedded servers of their own under var/bench (thrown away
# first), the large demo in one database and the small demo in a second, then every benchmark; fails if any fails.
# The load tool is Debian's wrk.
bench: $(STAMP)
	command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	rm -rf var/bench
	QUARTIER_VAR_DIR=$(CURDIR)/var/bench $(BIN)/python -m quartier.devenv exec sh -c '\
		set -e; \
		$(BIN)/python manage.py migrate -v0; \
		DEBUG=1 $(BIN)/python manage.py seed_demo --scale large; \
		SMALL_URL=$$($(BIN)/python benchmarks/queries.py --create-database quartier_bench_small); \
		DATABASE_URL=$$SMALL_URL $(BIN)/python manage.py migrate -v0; \
		DATABASE_URL=$$SMALL_URL DEBUG=1 $(BIN)/python manage.py seed_demo; \
		set +e; status=0; \
		$(BIN)/python benchmarks/report_build.py || status=1; \
		$(BIN)/python benchmarks/queries.py --small "$$SMALL_URL" --large "$$DATABASE_URL" || status=1; \
		$(BIN)/python benchmarks/page_cost.py || status=1; \
		$(BIN)/python benchmarks/pages.py || status=1; \
		$(BIN)/python benchmarks/voting.py || status=1; \
		exit $$status'

# The database and the uploaded files in one tar file (var/backups/), and back: `make restore FILE=…`.
backup: $(STAMP)
	$(BIN)/python -m quartier.devenv exec $(BIN)/python manage.py backup $(if $(FILE),-o $(FILE))

restore: $(STAMP)
	@test -n "$(FILE)" || (echo "make restore FILE=var/backups/quartier-….tar" && exit 2)
	$(BIN)/python -m quartier.devenv exec $(BIN)/python manage.py restore $(FILE) --yes
