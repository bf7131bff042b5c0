# The two commands a newcomer needs: `make serve` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test install e2e-deps bench web browser-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,redis,postgres]'
	touch $(STAMP)

install: $(STAMP)

# The template's account emails (verification, password reset) go to the log; README: real SMTP.
SERVE_MAIL := --appName "Home Health Aide" --publicServerURL http://localhost:1337/parse \
	--emailAdapter log --verifyUserEmails true

WEB_BUILD := parse_clone/web/static/index.html
LIVE_CLASSES := '{"classNames": ["Job", "Technician", "PartsInventory"]}'

serve: $(STAMP) $(WEB_BUILD)
	$(BIN)/parse-clone serve $(SERVE_MAIL) --liveQuery $(LIVE_CLASSES) --mountGraphQL true

# The web app and playground (web/, Vite): built into the Python package so a pip install serves them.
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --silent
	touch $@

$(WEB_BUILD): web/node_modules/.installed $(shell find web/src -type f) web/index.html web/playground.html web/vite.config.js
	cd web && npm run build --silent

web: $(WEB_BUILD)

# ---- browser tests: Debian's chromium (apt, needs root); playwright-core drives it, no browser download ----
browser-deps:
	test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)
# ---- end of browser install block ----

tests/e2e/node_modules/.installed: tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --silent
	touch $@

e2e-deps: tests/e2e/node_modules/.installed

test: $(STAMP) e2e-deps browser-deps $(WEB_BUILD)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench --help
