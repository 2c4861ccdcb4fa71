package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// config is what every measured run shares.
type config struct {
	bin        string
	events     int64
	splits     int
	timeout    time.Duration
	serverArgs []string
	kafkaAddr  string // the prefilled broker, for the kafka path
	prefix     string // its topics' prefix
	profileDir string // non-empty: take a CPU profile of each run into it
	logf       func(format string, args ...any)
}

// createSources declares all three tables, though the view reads only some: a source without a
// view has no reader, so the others cost nothing and a query is never refused for lack of one.
func (c *config) createSources(ctx context.Context, conn *pgx.Conn, path string) error {
	for _, t := range tableTypes {
		ddl := NexmarkSourceDDL(t, c.events, c.splits)
		if path == "kafka" {
			ddl = KafkaSourceDDL(t, topic(c.prefix, t), c.kafkaAddr)
		}
		if _, err := conn.Exec(ctx, ddl); err != nil {
			return fmt.Errorf("%s: %w", ddl, err)
		}
	}
	return nil
}

// measure runs q over path on a fresh server: events/s is N over the time from CREATE MATERIALIZED
// VIEW to the moment every record of the view's sources has been read and a FLUSH committed it.
func (c *config) measure(ctx context.Context, q Query, path string) Row {
	row := Row{Query: q.Name, Path: path, Events: c.events, Records: ExpectedRecords(q.Scans, c.events)}
	srv, err := startServer(ctx, c.bin, c.serverArgs...)
	if err != nil {
		row.Status = "error: " + err.Error()
		return row
	}
	defer srv.stop()
	elapsed, err := c.runView(ctx, srv, q, path, row.Records, nil)
	if rss, rerr := srv.peakRSS(); rerr == nil {
		row.PeakRSSBytes = rss
	}
	if err != nil {
		row.Status = classify(err)
		if strings.HasPrefix(row.Status, "error") {
			c.logf("%s/%s failed; server log tail:\n%s", q.Name, path, lastLines(srv.logs.String(), 20))
		}
		return row
	}
	row.Seconds = elapsed.Seconds()
	row.EventsPerSec = float64(c.events) / row.Seconds
	row.PerCore = row.EventsPerSec / float64(runtime.NumCPU())
	row.Status = "ok"
	return row
}

// runView creates the sources and the query's statements, then waits until want records have been
// read and committed. atStart, if set, runs right after the view is created (a profiler).
func (c *config) runView(ctx context.Context, srv *server, q Query, path string, want int64, atStart func()) (time.Duration, error) {
	conn, err := srv.connect(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.Background())
	if err := c.createSources(ctx, conn, path); err != nil {
		return 0, err
	}
	for _, s := range q.Statements[:len(q.Statements)-1] {
		if _, err := conn.Exec(ctx, s); err != nil {
			return 0, unsupported{err}
		}
	}
	start := time.Now()
	if _, err := conn.Exec(ctx, q.Statements[len(q.Statements)-1]); err != nil {
		return 0, unsupported{err}
	}
	if atStart != nil {
		atStart()
	}
	deadline := start.Add(c.timeout)
	if err := waitRecords(ctx, srv, q, want, deadline); err != nil {
		return time.Since(start), err
	}
	// Reading every record is not the end: a slow view may still be working through what its
	// reader buffered, and FLUSH waits for that too, so it shares the run's deadline.
	fctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if _, err := conn.Exec(fctx, "FLUSH"); err != nil {
		if fctx.Err() != nil && ctx.Err() == nil {
			return time.Since(start), flushTimeout{c.timeout}
		}
		return 0, err
	}
	return time.Since(start), nil
}

// waitRecords polls /metrics until want rows entered q's view from its scans. Counting what the
// sources read instead stopped the clock early for a view that scans a source twice with two
// readers (each counted half) and would never stop for one whose scans share a reader.
func waitRecords(ctx context.Context, srv *server, q Query, want int64, deadline time.Time) error {
	var got int64
	for {
		select {
		case <-srv.exited:
			return fmt.Errorf("server exited after %d of %d records", got, want)
		default:
		}
		n, err := viewRowsIn(ctx, srv.metricsAddr, q.View)
		if err != nil {
			return err
		}
		got = n
		if got >= want {
			return nil
		}
		if time.Now().After(deadline) {
			return timeoutError{got, want}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type flushTimeout struct{ after time.Duration }

func (e flushTimeout) Error() string {
	return fmt.Sprintf("timeout: every record read, but FLUSH not done after %v", e.after)
}

type timeoutError struct{ got, want int64 }

func (e timeoutError) Error() string {
	return fmt.Sprintf("timeout: %d of %d records read", e.got, e.want)
}

// unsupported marks a statement Runnel refused: the query is not expressible (yet), which the
// table reports rather than treating as a harness failure.
type unsupported struct{ err error }

func (u unsupported) Error() string { return u.err.Error() }
func (u unsupported) Unwrap() error { return u.err }

func isUnsupported(err error) bool {
	var u unsupported
	var pg *pgconn.PgError
	return errors.As(err, &u) && errors.As(err, &pg)
}

func classify(err error) string {
	var t timeoutError
	switch {
	case isUnsupported(err):
		var pg *pgconn.PgError
		errors.As(err, &pg)
		return fmt.Sprintf("unsupported: %s (SQLSTATE %s)", pg.Message, pg.Code)
	case errors.As(err, &t), errors.As(err, new(flushTimeout)):
		return err.Error()
	}
	return "error: " + err.Error()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  " + strings.Join(lines, "\n  ") + "\n"
}
