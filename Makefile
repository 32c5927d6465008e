# One command to run the demo, one to test. Works from a fresh clone with only Python 3.11:
# uv is installed with pip when missing, and never downloads a Python of its own.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
HOST ?= 127.0.0.1:8000
# The address printed on issued documents (verification links and QR codes) follows the host.
SITE_URL ?= http://$(HOST)
# The suite runs in one process per core (pytest-xdist), each module's tests in one process so
# that what a module sets up once is set up once; `make test PYTEST_ARGS="-n 0 tests/blocks"` runs
# part of it in this process.
PYTEST_ARGS ?= -n auto --dist loadscope
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test lint format check-migrations messages clean

$(VENV)/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || \
		$(PYTHON) -m pip install --quiet --user uv || \
		$(PYTHON) -m pip install --quiet --user --break-system-packages uv
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

var:
	@mkdir -p var

# Issued documents are signed with a demonstration certificate (no legal value), made once in
# var/demo-pki/; a real deployment configures its bodies' own (README, "Digital signatures").
DEMO_SIGNING := DOCUMENT_SIGNING_P12=var/demo-pki/signer.p12 DOCUMENT_SIGNING_P12_PASSWORD=demo SIGNING_TRUST_ROOTS=var/demo-pki/roots

run: $(VENV)/.synced var
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py demo_certificate
	DEBUG=1 SITE_URL=$(SITE_URL) $(DEMO_SIGNING) TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend $(BIN)/python manage.py seed_demo
	DEBUG=1 SITE_URL=$(SITE_URL) $(DEMO_SIGNING) ALLOWED_HOSTS=$(firstword $(subst :, ,$(HOST))),localhost,127.0.0.1 TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend $(BIN)/python manage.py runserver $(HOST)

test: $(VENV)/.synced var
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: $(VENV)/.synced
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: $(VENV)/.synced
	$(BIN)/python manage.py makemigrations --check --dry-run

# Extract and compile translations (needs gettext); the compiled .mo files are committed.
messages: $(VENV)/.synced
	$(BIN)/python manage.py makemessages -l vi -l en --no-obsolete --no-location --ignore=.venv --ignore=tests --ignore=staticfiles --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/db.sqlite3* staticfiles
