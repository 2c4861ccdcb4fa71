package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
)

// serveConfig is everything `runnel serve` needs, parsed and validated before anything is opened, so
// a bad flag fails fast and never leaves a half-started server behind.
type serveConfig struct {
	Listen          string
	DataDir         string
	MetricsAddr     string // "" disables the metrics endpoint
	Password        string
	Insecure        bool
	BarrierInterval time.Duration
	CacheSize       int64
	// MemoryLimit is the memory the server aims to stay under (0: derived from CacheSize, < 0:
	// none); see goMemoryLimit.
	MemoryLimit int64
	LogLevel    slog.Level
	Parallelism int
	// KafkaAddr, set by `runnel playground`, is where the embedded Kafka-protocol broker listens.
	KafkaAddr       string
	KafkaPartitions int
}

const (
	defaultListen      = "127.0.0.1:4566"
	defaultDataDir     = "./runnel-data"
	defaultMetricsAddr = "127.0.0.1:5691"
	defaultCacheSize   = 256 << 20
)

// command is what the command line asked for.
type command int

const (
	cmdServe command = iota
	cmdVersion
	cmdHelp
)

const defaultKafkaAddr = "127.0.0.1:9092"

const usage = `usage: runnel [serve|playground] [flags]
       runnel version

Commands:
  serve       start the server (the default)
  playground  start the server and an embedded Kafka-protocol broker (--kafka-addr, default 127.0.0.1:9092)
  version     print the version and exit
`

// parseArgs reads the command line (without the program name). getenv is a parameter so that tests
// control RUNNEL_PASSWORD without touching the process environment. Usage text and flag errors go to
// out.
func parseArgs(args []string, getenv func(string) string, out io.Writer) (command, serveConfig, error) {
	cmd := cmdServe
	playground := false
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "serve":
			cmd = cmdServe
		case "playground":
			cmd, playground = cmdServe, true
		case "version":
			if len(args) > 1 {
				return 0, serveConfig{}, fmt.Errorf("version takes no arguments, got %q", args[1:])
			}
			return cmdVersion, serveConfig{}, nil
		case "help":
			fmt.Fprint(out, usage)
			return cmdHelp, serveConfig{}, nil
		default:
			return 0, serveConfig{}, fmt.Errorf("unknown command %q (want serve, playground or version)", args[0])
		}
		args = args[1:]
	}

	cfg := serveConfig{
		BarrierInterval: time.Second,
		CacheSize:       defaultCacheSize,
	}
	fs := flag.NewFlagSet("runnel serve", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(out, usage, "\nFlags of serve:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.Listen, "listen", defaultListen, "address for PostgreSQL clients")
	fs.StringVar(&cfg.DataDir, "data-dir", defaultDataDir, "directory of the database files")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", defaultMetricsAddr, `address of the Prometheus /metrics endpoint ("" disables it)`)
	fs.StringVar(&cfg.Password, "password", "", "password clients must give (default $RUNNEL_PASSWORD; none means no authentication)")
	fs.BoolVar(&cfg.Insecure, "insecure", false, "allow listening on a non-loopback address without a password")
	fs.DurationVar(&cfg.BarrierInterval, "barrier-interval", time.Second, "how often streaming jobs checkpoint (lower means fresher views)")
	fs.Func("cache-size", "bytes of cache, with an optional suffix: KiB, MiB, GiB, KB, MB, GB (default 256MiB)", func(s string) error {
		n, err := parseSize(s)
		if err != nil {
			return err
		}
		cfg.CacheSize = n
		return nil
	})
	fs.Func("memory-limit", "memory the server aims to stay within, a size like --cache-size, or off (default 2 x --cache-size + 256MiB)", func(s string) error {
		if s == "off" {
			cfg.MemoryLimit = -1
			return nil
		}
		n, err := parseSize(s)
		if err != nil {
			return err
		}
		if n <= 0 {
			return fmt.Errorf("want a positive size or off")
		}
		cfg.MemoryLimit = n
		return nil
	})
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	fs.IntVar(&cfg.Parallelism, "parallelism", 0, "instances of each partitioned part of a materialized view (default: the number of cores)")
	if playground {
		fs.StringVar(&cfg.KafkaAddr, "kafka-addr", defaultKafkaAddr, "address of the embedded Kafka-protocol broker")
		fs.IntVar(&cfg.KafkaPartitions, "kafka-partitions", 4, "partitions of the topics the embedded broker creates")
	}

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cmdHelp, serveConfig{}, nil
		}
		return 0, serveConfig{}, err
	}
	if fs.NArg() > 0 {
		return 0, serveConfig{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	passwordSet := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "password" {
			passwordSet = true
		}
	})
	if !passwordSet {
		cfg.Password = getenv("RUNNEL_PASSWORD")
	}

	if err := cfg.LogLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		return 0, serveConfig{}, fmt.Errorf("--log-level %q: want debug, info, warn or error", *logLevel)
	}
	if cfg.BarrierInterval <= 0 {
		return 0, serveConfig{}, fmt.Errorf("--barrier-interval must be positive, got %v", cfg.BarrierInterval)
	}
	if cfg.DataDir == "" {
		return 0, serveConfig{}, errors.New("--data-dir must not be empty")
	}
	if cfg.Parallelism < 0 {
		return 0, serveConfig{}, fmt.Errorf("--parallelism must not be negative, got %d", cfg.Parallelism)
	}
	if playground {
		if err := checkAddr("--kafka-addr", cfg.KafkaAddr); err != nil {
			return 0, serveConfig{}, err
		}
		if cfg.KafkaPartitions < 1 {
			return 0, serveConfig{}, fmt.Errorf("--kafka-partitions must be at least 1, got %d", cfg.KafkaPartitions)
		}
	}
	if err := checkAddr("--listen", cfg.Listen); err != nil {
		return 0, serveConfig{}, err
	}
	if cfg.MetricsAddr != "" {
		if err := checkAddr("--metrics-addr", cfg.MetricsAddr); err != nil {
			return 0, serveConfig{}, err
		}
	}
	if cfg.Password == "" && !cfg.Insecure && !isLoopback(cfg.Listen) {
		return 0, serveConfig{}, fmt.Errorf("refusing to listen on %s without a password: anyone who can reach it could connect as root; "+
			"set --password (or RUNNEL_PASSWORD), listen on 127.0.0.1, or pass --insecure", cfg.Listen)
	}
	return cmd, cfg, nil
}

// goMemoryLimit is the soft limit for the Go runtime (debug.SetMemoryLimit) that keeps the server
// within --memory-limit, or 0 for none. Pebble's block cache and memtables are allocated outside the
// Go heap, so they are taken off the top. Without a limit the Go heap grows to twice what is live
// before collecting (GOGC=100): the operator caches are bounded by --cache-size, but their garbage
// and that of every decoded row would double the server's footprint.
func goMemoryLimit(cfg serveConfig) int64 {
	limit := cfg.MemoryLimit
	switch {
	case limit < 0:
		return 0
	case limit == 0 && cfg.KafkaAddr != "":
		// The playground's embedded broker keeps every topic in this process's heap: a default
		// limit would have the collector chase data that is all live.
		return 0
	case limit == 0:
		limit = 2*cfg.CacheSize + 256<<20
	}
	offHeap := cfg.CacheSize/4 + 64<<20 // engine.Open gives Pebble a quarter of the cache; two 32 MiB memtables
	return max(limit-offHeap, 64<<20)
}

func checkAddr(flagName, addr string) error {
	if _, port, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("%s %q: %w", flagName, addr, err)
	} else if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("%s %q: bad port %q", flagName, addr, port)
	}
	return nil
}

// isLoopback reports whether addr only accepts connections from this machine. An empty host
// (":4566") listens on every interface, so it is not loopback.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parseSize reads a byte count such as "268435456", "512MiB", "1GiB" or "64mb". Binary (KiB) and
// decimal (KB) suffixes both exist in the wild; we honour the difference rather than guess.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') {
		i--
	}
	num, suffix := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult := map[string]int64{
		"": 1, "b": 1,
		"k": 1 << 10, "kib": 1 << 10, "kb": 1000,
		"m": 1 << 20, "mib": 1 << 20, "mb": 1000 * 1000,
		"g": 1 << 30, "gib": 1 << 30, "gb": 1000 * 1000 * 1000,
		"t": 1 << 40, "tib": 1 << 40, "tb": 1000 * 1000 * 1000 * 1000,
	}[suffix]
	if mult == 0 || num == "" {
		return 0, fmt.Errorf("bad size %q: want a number of bytes with an optional suffix (512MiB, 1GiB)", s)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q: want a non-negative whole number", s)
	}
	if n > 0 && mult > (1<<63-1)/n {
		return 0, fmt.Errorf("bad size %q: too large", s)
	}
	return n * mult, nil
}
