GO      ?= go
PKGS    ?= ./...
export TESTCONTAINERS_RYUK_DISABLED ?= true
export TESTCONTAINERS_HOST_OVERRIDE ?= 127.0.0.1

.PHONY: run test test-postgres test-postgres-up test-mariadb test-mariadb-up build vet vet-cross staticcheck fmt bench bench-tracker bench-load cbsim image fuzz dist

## run: the main job — the demo funnels on the embedded defaults
run:
	$(GO) run ./cmd/cbsim demo

## test: vet (also as darwin and windows), staticcheck, gofmt check, every test with -race
test: vet vet-cross staticcheck fmt
	$(GO) test -race -count=1 -timeout 15m $(PKGS)

## test-postgres-up: install (if missing) and start a local PostgreSQL for the SQL-reader tests, as
## .ci/run does (root or sudo); prints the exports: eval "$$(make -s test-postgres-up)"
test-postgres-up:
	@if [ "$$(id -u)" -eq 0 ]; then .ci/postgres; else sudo .ci/postgres; fi

## test-postgres: the tests that need PostgreSQL, against the server .ci/postgres starts; they must run
test-postgres:
	@eval "$$($(MAKE) -s test-postgres-up)" && \
		$(GO) test -race -count=1 -run 'Postgres|SQLRead|TestOrbitra' ./profile/...

## test-mariadb-up: install (if missing) and start a local MariaDB for the MySQL-dialect tests, as .ci/run
## does (root or sudo); prints the exports: eval "$$(make -s test-mariadb-up)"
test-mariadb-up:
	@if [ "$$(id -u)" -eq 0 ]; then .ci/mariadb; else sudo .ci/mariadb; fi

## test-mariadb: the tests that need MariaDB, against the server .ci/mariadb starts; they must run
test-mariadb:
	@eval "$$($(MAKE) -s test-mariadb-up)" && \
		$(GO) test -race -count=1 -run 'MariaDB|Prosper202' ./profile/... ./steps/

vet:
	$(GO) vet $(PKGS)

## vet-cross: type-check and vet every package, tests included, as darwin and windows would build them, so a
## path or syscall that only works on Linux is caught on this machine
CROSS_OS ?= darwin windows
vet-cross:
	@for os in $(CROSS_OS); do echo "go vet (GOOS=$$os)"; GOOS=$$os $(GO) vet $(PKGS) || exit 1; done

STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
staticcheck:
	$(GO) run $(STATICCHECK) $(PKGS)

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# What a binary says in `cbsim version`: the tag (or devel), the commit, the build time.
VERSION ?= $(shell git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null || echo devel)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
DIRTY   ?= $(shell git diff --quiet HEAD 2>/dev/null || echo true)
BUILDINFO = github.com/cbsim/cbsim/internal/buildinfo
LDFLAGS ?= -s -w -X $(BUILDINFO).version=$(VERSION) -X $(BUILDINFO).commit=$(COMMIT) -X $(BUILDINFO).date=$(DATE) -X $(BUILDINFO).dirty=$(DIRTY)

## build: a static binary in bin/cbsim
build cbsim:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/cbsim ./cmd/cbsim

## dist: static binaries for linux, darwin and windows on amd64 and arm64 in dist/, and their SHA-256 sums
## in dist/SHA256SUMS (the format `sha256sum -c` and `shasum -a 256 -c` check)
PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
DIST      ?= dist
dist:
	@rm -rf $(DIST) && mkdir -p $(DIST)
	@for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		out=$(DIST)/cbsim_$(VERSION)_$${os}_$${arch}$$ext; echo "build $$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$out ./cmd/cbsim || exit 1; \
	done
	@cd $(DIST) && if command -v sha256sum >/dev/null; then sha256sum cbsim_*; else shasum -a 256 cbsim_*; fi > SHA256SUMS
	@cat $(DIST)/SHA256SUMS

## image: the cbsim image (FROM scratch, nothing pulled): tracker by default, `serve` for the simulator
IMAGE ?= cbsim:local
image: build
	docker build -t $(IMAGE) .

## bench: the benchmarks
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

## bench-tracker: postbacks/s over real HTTP per duplicate mode, a fresh click vs one holding 100,000
## conversions, beside a plain "return 200" receiver (tracker/bench_http_test.go)
BENCH_TRACKER_N ?= 20000x
bench-tracker:
	$(GO) test -run '^$$' -bench '^BenchmarkPostbackHTTP$$' -benchtime $(BENCH_TRACKER_N) ./tracker/

## bench-load: `cbsim load` beside wrk, vegeta and hey against a loopback nginx answering 200, one after
## another with the same connections and duration; prints one line with each rate and cbsim's ratio to each
## (BENCH_LOAD_LONG=1 adds a 60 s cbsim run sampling its RSS; installs nginx-light, wrk, jq, vegeta and hey
## when missing; .ci/bench-load says the settings)
BENCH_LOAD_DURATION    ?= 10s
BENCH_LOAD_CONNECTIONS ?= 64
bench-load:
	BENCH_LOAD_DURATION=$(BENCH_LOAD_DURATION) BENCH_LOAD_CONNECTIONS=$(BENCH_LOAD_CONNECTIONS) .ci/bench-load

## fuzz: every fuzz target (a func FuzzX in a _test.go file, found by grep) for FUZZTIME each, one at a
## time; a failing target is listed at the end and its input kept in the package's testdata/fuzz/FuzzX
FUZZTIME         ?= 60s
FUZZMINIMIZETIME ?= 5s
FUZZFLAGS        ?= -parallel=1
fuzz:
	@failed=""; \
	for f in $$(grep -rl --include='*_test.go' '^func Fuzz' . | sort); do \
		dir=./$$(dirname $${f#./}); \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "== $$t $$dir"; \
			$(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $(FUZZFLAGS) $$dir \
				|| failed="$$failed $$t($$dir)"; \
		done; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed"; exit 1; fi
