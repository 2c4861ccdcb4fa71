// Command runnel is the Runnel server: a streaming SQL database that speaks the PostgreSQL wire
// protocol. This package only parses flags and wires the packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/runnel-db/runnel/connector/kafka"
	"github.com/runnel-db/runnel/engine"
	runnelmetrics "github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/pgwire"
)

// version is overridden at link time: go build -ldflags "-X main.version=v0.1.0".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd, cfg, err := parseArgs(args, getenv, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "runnel: %v\n", err)
		return 2
	}
	switch cmd {
	case cmdHelp:
		return 0
	case cmdVersion:
		fmt.Fprintf(stdout, "runnel %s\n", version)
		return 0
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	// Code that logs through slog's default (libraries, or packages not handed the logger) then
	// honours --log-level and writes to the same place.
	slog.SetDefault(logger)
	if err := serve(cfg, logger, stdout); err != nil {
		fmt.Fprintf(stderr, "runnel: %v\n", err)
		return 1
	}
	return 0
}

func serve(cfg serveConfig, logger *slog.Logger, stdout io.Writer) error {
	// Catch signals before anything else: a SIGTERM that arrives during start-up (or right after
	// the ready line, as supervisors and tests send it) must shut down cleanly, not kill.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)

	// Listen before opening the engine: a port already in use is the most common start-up failure
	// and should not cost a database recovery first.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	defer ln.Close()

	var metrics *http.Server
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("listen for metrics on %s: %w", cfg.MetricsAddr, err)
		}
		metrics = newMetricsServer()
		go func() {
			if err := metrics.Serve(mln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("metrics server stopped", "err", err)
			}
		}()
	}

	if cfg.KafkaAddr != "" {
		// The playground's broker: something to produce into right away, no Kafka install needed.
		broker, err := kafka.StartBroker(cfg.KafkaAddr, cfg.KafkaPartitions, logger)
		if err != nil {
			return fmt.Errorf("start the embedded Kafka broker on %s: %w", cfg.KafkaAddr, err)
		}
		defer broker.Close()
		fmt.Fprintf(stdout, "runnel: embedded Kafka broker on %s (topics are created on first use with %d partitions)\n", broker.Addr(), cfg.KafkaPartitions)
	}

	if os.Getenv("GOMEMLIMIT") == "" { // an explicit GOMEMLIMIT wins
		if limit := goMemoryLimit(cfg); limit > 0 {
			debug.SetMemoryLimit(limit)
		}
	}
	eng, err := engine.Open(engine.Config{
		DataDir:         cfg.DataDir,
		CacheSize:       cfg.CacheSize,
		BarrierInterval: cfg.BarrierInterval,
		Parallelism:     cfg.Parallelism,
		Logger:          logger,
	})
	if err != nil {
		if metrics != nil {
			metrics.Close()
		}
		return fmt.Errorf("open database in %s: %w", cfg.DataDir, err)
	}

	srv := pgwire.NewServer(pgwire.Config{Password: cfg.Password, Logger: logger}, eng)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	// The listener has been accepting into its backlog since the start; from here connections
	// are served, and the engine has recovered.
	runnelmetrics.SetReady(true)

	fmt.Fprintf(stdout, "runnel: listening on %s (data dir %s)\n", ln.Addr(), cfg.DataDir)
	logger.Info("server ready", "listen", ln.Addr().String(), "data_dir", cfg.DataDir,
		"metrics", cfg.MetricsAddr, "auth", cfg.Password != "")

	var failure error
	select {
	case sig := <-sigs:
		// Restore default handling so that a second Ctrl-C during a slow shutdown kills the
		// process instead of being swallowed.
		signal.Stop(sigs)
		logger.Info("shutting down", "signal", sig.String())
	case err := <-serveErr:
		// Serve only returns on its own when the listener broke; the data is still safe, so shut
		// down cleanly but report the cause.
		failure = fmt.Errorf("serve: %w", err)
		logger.Error("server stopped", "err", err)
	}

	// Order matters: stop accepting and end sessions (srv.Close closes the listener first, then
	// the connections, cancelling their queries), then close the engine, which commits and closes
	// the store. The engine must outlive every session.
	runnelmetrics.SetReady(false)
	if err := srv.Close(); err != nil {
		logger.Warn("closing connections", "err", err)
	}
	if metrics != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		metrics.Shutdown(ctx)
		cancel()
	}
	if err := eng.Close(); err != nil {
		return errors.Join(failure, fmt.Errorf("close database: %w", err))
	}
	logger.Info("stopped")
	return failure
}

// newMetricsServer serves Prometheus' default registry, /health and /ready. It starts before the
// engine opens, so that /health answers (and /ready says 503) during a long recovery. The other
// packages register their metrics in the default registry (promauto), so nothing needs to be
// passed down to them.
func newMetricsServer() *http.Server {
	return &http.Server{Handler: runnelmetrics.Handler(), ReadHeaderTimeout: 10 * time.Second}
}
