# Runnel: `make run` starts a server with the embedded defaults, `make test` runs every test.

GO      ?= go
BIN     := bin/runnel
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all build run test bench bench-go fmt vet clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/runnel

# The playground: the server plus an embedded Kafka-protocol broker on 127.0.0.1:9092.
run: build
	./$(BIN) playground

# vet first: it is fast and its failures are cheaper to read than a test run's.
test: vet
	$(GO) test -count=1 ./...

# Nexmark, measured as RisingWave and Flink report it (bench/README.md): every query over N events
# from the nexmark generator and from Kafka, on a fresh server each. QUERIES=q0,q5 picks some
# (default: all of bench/queries), PROFILE=1 adds a CPU profile per run, BENCH_ARGS anything else.
N        ?= 1000000
QUERIES  ?=
PROFILE  ?=
bench: build
	$(GO) build -o bin/runnel-bench ./cmd/runnel-bench
	./bin/runnel-bench -bin $(BIN) -n $(N) -queries '$(QUERIES)' $(if $(filter-out 0,$(PROFILE)),-profile) $(BENCH_ARGS)

# The Go benchmarks in ./tests (never timed unit tests). BENCH selects them (a regexp).
BENCH ?= .
bench-go:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime 200x ./tests/

fmt:
	$(GO) fmt ./...

vet:
	$(GO) vet ./...

# Leaves ./runnel-data alone: that is the database `make run` serves, not a build product.
clean:
	rm -rf bin
