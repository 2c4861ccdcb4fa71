# Runnel: `make run` starts a server with the embedded defaults, `make test` runs every test.

GO      ?= go
BIN     := bin/runnel
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all build run test bench fmt vet clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/runnel

# The playground: the server plus an embedded Kafka-protocol broker on 127.0.0.1:9092.
run: build
	./$(BIN) playground

# vet first: it is fast and its failures are cheaper to read than a test run's.
test: vet
	$(GO) test -count=1 ./...

# Benchmarks are where speed is checked (never timed unit tests). BENCH selects them (a regexp).
BENCH ?= .
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime 200x ./tests/

fmt:
	$(GO) fmt ./...

vet:
	$(GO) vet ./...

# Leaves ./runnel-data alone: that is the database `make run` serves, not a build product.
clean:
	rm -rf bin
