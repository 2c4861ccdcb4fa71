// Command runnel-bench runs the Nexmark queries against fresh Runnel servers and reports
// throughput, peak memory and freshness the way RisingWave's and Flink's Nexmark numbers are
// reported: all N events of the stream over the time to consume and commit them. See
// bench/README.md; `make bench` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "runnel-bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		bin       = flag.String("bin", "bin/runnel", "the runnel binary to benchmark")
		events    = flag.Int64("n", 1_000_000, "events per run, all types counted (nexmark.event.num)")
		queryList = flag.String("queries", "", "comma-separated queries (q0,q5); empty for every file in -queries-dir")
		queryDir  = flag.String("queries-dir", "bench/queries", "where qN.sql live")
		paths     = flag.String("paths", "nexmark,kafka", "source paths to run: nexmark (generator), kafka (embedded broker, JSON)")
		outDir    = flag.String("out", "bench/results", "where the results JSON is written")
		profile   = flag.Bool("profile", false, "also take a CPU profile of the server per run, into <out>/profiles")
		freshRate = flag.Int64("fresh-rate", 50_000, "events/s of the freshness run (kafka path); 0 skips it")
		freshDur  = flag.Duration("fresh-duration", 10*time.Second, "how long the freshness run produces")
		freshBar  = flag.Duration("fresh-barrier", 20*time.Millisecond, "the server's barrier interval in the freshness run")
		timeout   = flag.Duration("timeout", time.Minute, "give up on a run after this long")
		splits    = flag.Int("splits", 2, "nexmark.split.num and Kafka partitions per table")
		extra     = flag.String("server-args", "", "extra flags for `runnel serve`, space-separated")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	names := splitList(*queryList)
	if len(names) == 0 {
		var err error
		if names, err = AllQueryNames(*queryDir); err != nil {
			return err
		}
	}
	queries, err := LoadQueries(*queryDir, names)
	if err != nil {
		return err
	}
	res := &Results{Date: time.Now().UTC(), Commit: gitCommit(), GoVersion: runtime.Version(),
		Cores: runtime.NumCPU(), Events: *events, ServerArgs: strings.Fields(*extra)}
	c := &config{bin: *bin, events: *events, splits: *splits, timeout: *timeout, serverArgs: res.ServerArgs,
		logf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }}
	if *profile {
		c.profileDir = *outDir + "/profiles"
	}

	wantPaths := splitList(*paths)
	if slices.Contains(wantPaths, "kafka") {
		b, err := startBus(*splits, 5*time.Millisecond)
		if err != nil {
			return err
		}
		defer b.close()
		c.kafkaAddr, c.prefix = b.broker.Addr(), "nexmark"
		t0 := time.Now()
		if err := b.createTopics(ctx, c.prefix, *splits); err != nil {
			return err
		}
		if err := b.prefill(ctx, c.prefix, *events); err != nil {
			return err
		}
		c.logf("prefilled %d events into the embedded broker in %v", *events, time.Since(t0).Round(time.Millisecond))
	}

	for _, q := range queries {
		for _, path := range wantPaths {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			row := c.measure(ctx, q, path)
			if path == "kafka" && row.Status == "ok" && *freshRate > 0 {
				fc := freshnessConfig{rate: *freshRate, duration: *freshDur, barrier: *freshBar, warmup: time.Second}
				p50, p99, note, err := c.freshness(ctx, q, fc)
				if err != nil {
					row.FreshNote = "error: " + err.Error()
				} else {
					row.FreshP50Ms, row.FreshP99Ms, row.FreshNote, row.FreshnessRate = p50, p99, note, *freshRate
					row.FreshBarrierMs = float64(freshBar.Microseconds()) / 1000
				}
			}
			if c.profileDir != "" && row.Status == "ok" {
				file, err := c.profile(ctx, q, path, time.Duration(row.Seconds*float64(time.Second)))
				if err == errNoPprof {
					c.logf("%v", err)
					c.profileDir = ""
				} else if err != nil {
					c.logf("%s/%s: profile: %v", q.Name, path, err)
				} else {
					row.CPUProfile = file
				}
			}
			c.logf("%-4s %-8s %s", q.Name, path, summary(row))
			res.Rows = append(res.Rows, row)
		}
	}

	fmt.Println()
	PrintTable(os.Stdout, res.Rows)
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return err
	}
	file := ResultsPath(*outDir, res)
	if err := WriteResults(file, res); err != nil {
		return err
	}
	fmt.Printf("\n%d cores, %s, commit %s; results in %s\n", res.Cores, res.GoVersion, res.Commit, file)
	return nil
}

func summary(r Row) string {
	if r.Status != "ok" {
		return r.Status
	}
	s := fmt.Sprintf("%.2fs  %.0f events/s  peak RSS %d MiB", r.Seconds, r.EventsPerSec, r.PeakRSSBytes>>20)
	if r.FreshP99Ms > 0 {
		s += fmt.Sprintf("  freshness p50 %.1f ms p99 %.1f ms", r.FreshP50Ms, r.FreshP99Ms)
	}
	if r.FreshNote != "" {
		s += "  (" + r.FreshNote + ")"
	}
	return s
}

func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
