# The two commands a newcomer needs: `make serve` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test install e2e-deps bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,redis]'
	touch $(STAMP)

install: $(STAMP)

# The template's account emails (verification, password reset) go to the log; README: real SMTP.
SERVE_MAIL := --appName "Home Health Aide" --publicServerURL http://localhost:1337/parse \
	--emailAdapter log --verifyUserEmails true

serve: $(STAMP)
	$(BIN)/parse-clone serve $(SERVE_MAIL)

tests/e2e/node_modules/.installed: tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --silent
	touch $@

e2e-deps: tests/e2e/node_modules/.installed

test: $(STAMP) e2e-deps
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench --help
