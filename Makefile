GO      ?= go
PKGS    ?= ./...
export TESTCONTAINERS_RYUK_DISABLED ?= true
export TESTCONTAINERS_HOST_OVERRIDE ?= 127.0.0.1

.PHONY: run test build vet staticcheck fmt bench bench-tracker cbsim image fuzz

## run: the main job — the demo funnels on the embedded defaults
run:
	$(GO) run ./cmd/cbsim demo

## test: vet, staticcheck, gofmt check, every test with -race
test: vet staticcheck fmt
	$(GO) test -race -count=1 -timeout 15m $(PKGS)

vet:
	$(GO) vet $(PKGS)

STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
staticcheck:
	$(GO) run $(STATICCHECK) $(PKGS)

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## build: a static binary in bin/cbsim
build cbsim:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/cbsim ./cmd/cbsim

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
