# Ankomst — everyday commands. Needs Go, Node/npm, and PostgreSQL or Docker
# (scripts/db.sh finds or starts a database).
#
#   make run     build, migrate, load demo data once, serve on :8080
#   make test    everything CI runs (vet, templ check, tests incl. browser, fuzz)
#   make help    all targets

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.NOTPARALLEL:
MAKEFLAGS += --no-builtin-rules

BIN          := bin/ankomst
ADDR         ?= :8080
DEMO_PERSONS ?= 500
TESTFLAGS    ?=
FUZZTIME     ?= 5s
FUZZ_PKG     := ./internal/domain
FUZZ_TARGETS := FuzzParseNationalID FuzzParseDUF FuzzSyntheticNationalID FuzzNormalizeName FuzzFoldName FuzzCleanLine FuzzCleanText FuzzParseHours FuzzParseKroner FuzzOrgNumber

# Files of the tree, without node_modules/ and the private database in .data/;
# append -name PATTERN -print.
FIND_FILES = find . \( -name node_modules -o -name .data -o -name .git \) -prune -o -type f
SHA256  := $(shell command -v sha256sum >/dev/null 2>&1 && echo sha256sum || echo 'shasum -a 256')

# $(call with_db,NAME): first part of a recipe line; exports DATABASE_URL as
# the server admin's URL of database NAME (tests create their databases from
# it; see scripts/db.sh). Fails the recipe if no database is found.
with_db = DATABASE_URL=$$(scripts/db.sh url $(1)); export DATABASE_URL; \
	echo "DATABASE_URL=$$DATABASE_URL";

# $(call with_roles,NAME): as with_db, but DATABASE_URL is the app role
# (ankomst_app: rows only) and ANKOMST_OWNER_URL the schema owner, who
# migrates and bulk-loads (least privilege; see scripts/db.sh).
with_roles = dbenv=$$(scripts/db.sh env $(1)); eval "$$dbenv"; \
	echo "DATABASE_URL=$$DATABASE_URL (server)"; echo "ANKOMST_OWNER_URL=$$ANKOMST_OWNER_URL (migrations)";

.PHONY: help
help: ## list targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-15s %s\n", $$1, $$2}'

# ---------------------------------------------------------------- build ----

.PHONY: assets
assets: ## npm ci (when needed) and copy vendor files into web/static/vendor
	@scripts/npm-assets.sh

.PHONY: generate
generate: ## go tool templ generate -path web (the path is part of the generated code)
	go tool templ generate -path web

.PHONY: build
build: assets generate ## build bin/ankomst
	go build -o $(BIN) ./cmd/ankomst

# ------------------------------------------------------------------ run ----

.PHONY: run
run: build ## migrate, load demo data once, serve on :8080 (ADDR=...)
	@$(call with_roles,ankomst) \
	$(BIN) migrate up; \
	$(BIN) demo --persons $(DEMO_PERSONS) --if-empty; \
	exec $(BIN) serve --addr $(ADDR)

# ----------------------------------------------------------------- test ----

.PHONY: chromium
chromium: ## make sure Chromium is installed (for the browser tests)
	@scripts/ensure-chromium.sh

.PHONY: pgclient
pgclient: ## make sure pg_dump and pg_restore are installed (for the restore drill)
	@scripts/ensure-pg-client.sh

# Regenerates the templ code and fails when that changed a *_templ.go file,
# i.e. the generated code in the tree was stale.
.PHONY: check-generate
check-generate: ## fail if the *_templ.go files are not up to date
	@sums=$$($(FIND_FILES) -name '*_templ.go' -print0 | xargs -0 -r $(SHA256)); \
	go tool templ generate -path web; \
	if [[ -n $$sums ]] && ! stale=$$(printf '%s\n' "$$sums" | $(SHA256) -c --quiet 2>/dev/null); then \
	  echo "ERROR: templ-generated code was out of date:" >&2; \
	  printf '%s\n' "$$stale" >&2; \
	  echo "The files have now been regenerated; review and commit them (run 'make generate' after editing .templ files)." >&2; \
	  exit 1; \
	fi; \
	echo "templ: generated code is up to date"

.PHONY: test
test: assets chromium pgclient check-generate ## vet, templ check, all tests (browser tests too, the restore drill), brief fuzzing
	go vet ./...
	@$(call with_db,ankomst_test) \
	ANKOMST_BROWSER=1 go test -count=1 -timeout 40m $(TESTFLAGS) ./...
	@$(MAKE) --no-print-directory fuzz

.PHONY: fuzz
fuzz: ## run each fuzz target for 5s (FUZZTIME=...)
	@for f in $(FUZZ_TARGETS); do \
	  listed=$$(go test -list "^$$f\$$" $(FUZZ_PKG)); \
	  if ! grep -qx "$$f" <<<"$$listed"; then \
	    echo "ERROR: fuzz test $$f not found in $(FUZZ_PKG) (update FUZZ_TARGETS in the Makefile)" >&2; exit 1; \
	  fi; \
	  echo "go test -run '^$$' -fuzz '^$$f\$$' -fuzztime $(FUZZTIME) $(FUZZ_PKG)"; \
	  go test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) $(FUZZ_PKG); \
	done

.PHONY: bench
bench: build ## run scripts/bench.sh against database ankomst_bench
	@$(call with_roles,ankomst_bench) \
	export ANKOMST_BIN="$(CURDIR)/$(BIN)"; \
	scripts/bench.sh

.PHONY: bench-national
bench-national: build ## the leaders' dashboard at national scale: 1 000 000 persons in 20 units (database ankomst_national; the load takes ~35 min once)
	@$(call with_roles,ankomst_national) \
	export ANKOMST_BIN="$(CURDIR)/$(BIN)" BENCH_PERSONS=1000000 BENCH_UNITS=20 BENCH_NOTES=0 ANKOMST_BENCH_REQUESTS=300 \
		BENCH_TESTS='^TestBenchDashboard$$ ^TestBenchHousing$$'; \
	scripts/bench.sh

.PHONY: loadtest
loadtest: build ## 50 caseworkers for 2 min on a private Postgres stopped 10 s mid-run (scripts/loadtest.sh)
	@ANKOMST_BIN="$(CURDIR)/$(BIN)" scripts/loadtest.sh

# ---------------------------------------------------------------- tools ----

.PHONY: vet
vet: assets generate ## go vet
	go vet ./...

.PHONY: fmt
fmt: ## gofmt -w and templ fmt
	@$(FIND_FILES) -name '*.go' ! -name '*_templ.go' -print0 | xargs -0 -r gofmt -w
	go tool templ fmt .

.PHONY: lint
lint: ## fail if gofmt would change a file
	@files=$$($(FIND_FILES) -name '*.go' -print0 | xargs -0 -r gofmt -l); \
	if [[ -n $$files ]]; then \
	  echo "ERROR: not gofmt-ed (run 'make fmt'):" >&2; echo "$$files" >&2; exit 1; \
	fi; \
	echo "gofmt: ok"

.PHONY: db
db: ## start/find the database and print its DATABASE_URL
	@scripts/db.sh env ankomst

.PHONY: db-stop
db-stop: ## stop the private PostgreSQL in .data/pg (if one was started)
	@scripts/db.sh stop

.PHONY: clean
clean: ## remove bin/ and web/static/vendor/
	rm -rf bin web/static/vendor

.PHONY: distclean
distclean: db-stop clean ## clean, and remove node_modules/ and .data/ (the private database)
	rm -rf node_modules .data
