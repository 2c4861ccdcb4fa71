package sltrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// EngineName is the name `onlyif` and `skipif` test against.
const EngineName = "runnel"

// Server is the server under test, as far as the runner needs to control it.
type Server interface {
	// Addr is host:port for PostgreSQL clients; it may change across restarts.
	Addr() string
	// Restart stops the server (gracefully, or with SIGKILL when kill is set) and starts it again
	// on the same data directory, returning once it accepts connections.
	Restart(ctx context.Context, kill bool) error
}

// fixedAddr is a server the runner does not own (RUNNEL_ADDR): it can be queried but not restarted.
type fixedAddr string

func (a fixedAddr) Addr() string { return string(a) }
func (a fixedAddr) Restart(context.Context, bool) error {
	return errors.New("restart and kill need a server started by the test, not RUNNEL_ADDR")
}

// FixedServer wraps the address of a server that is already running.
func FixedServer(addr string) Server { return fixedAddr(addr) }

// Runner runs records against a server. It is not safe for concurrent use; use one per file.
type Runner struct {
	Server   Server
	User     string // default root
	Database string // default dev
	Password string
	// Timeout bounds each record; streaming queries that wait on barriers need a generous one.
	Timeout time.Duration // default 60s
	// TestDir replaces $__TEST_DIR__ when substitution is on.
	TestDir string
	// Logf, if set, reports skipped records and progress.
	Logf func(format string, args ...any)

	conns map[string]*pgconn.PgConn
	sort  SortMode
	subst bool
}

// Failure is a record that did not do what the file expected.
type Failure struct {
	Rec *Record
	Msg string
}

func (f *Failure) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", f.Rec.Where(), f.Msg)
	if f.Rec.SQL != "" {
		b.WriteString("\n    SQL: ")
		b.WriteString(strings.ReplaceAll(f.Rec.SQL, "\n", "\n         "))
	}
	return b.String()
}

// Run executes records in order and stops at the first failure: later records almost always depend
// on earlier ones, so going on would only bury the real cause.
func (r *Runner) Run(ctx context.Context, recs []Record) error {
	for i := range recs {
		rec := &recs[i]
		switch rec.Kind {
		case KindHalt:
			r.logf("%s: halt", rec.Where())
			return nil
		case KindSortMode:
			r.sort = rec.Sort
			continue
		case KindSubstitution:
			r.subst = rec.On
			continue
		}
		if Skip(rec.Conditions, EngineName) {
			continue
		}
		if err := r.runRecord(ctx, rec); err != nil {
			var f *Failure
			if errors.As(err, &f) {
				return err
			}
			return &Failure{Rec: rec, Msg: err.Error()}
		}
	}
	return nil
}

// Close closes every connection the runner opened.
func (r *Runner) Close() {
	for name, c := range r.conns {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c.Close(ctx)
		cancel()
		delete(r.conns, name)
	}
}

func (r *Runner) logf(format string, args ...any) {
	if r.Logf != nil {
		r.Logf(format, args...)
	}
}

func (r *Runner) runRecord(ctx context.Context, rec *Record) error {
	timeout := r.Timeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	switch rec.Kind {
	case KindSleep:
		select {
		case <-time.After(rec.Sleep):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	case KindRestart, KindKill:
		// Connections die with the server; drop them so the next record reconnects.
		r.Close()
		rctx, cancel := context.WithTimeout(ctx, 2*timeout)
		defer cancel()
		if err := r.Server.Restart(rctx, rec.Kind == KindKill); err != nil {
			return fmt.Errorf("restart server: %w", err)
		}
		return nil
	case KindSystem:
		rctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return r.runSystem(rctx, rec)
	}

	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := r.conn(rctx, rec.Connection)
	if err != nil {
		return err
	}
	sql := rec.SQL
	if r.subst {
		sql = r.substitute(sql)
	}
	rows, tag, err := execute(rctx, conn, sql)
	if conn.IsClosed() {
		delete(r.conns, rec.Connection)
	}
	if rec.WantErr != nil {
		if err == nil {
			return &Failure{Rec: rec, Msg: fmt.Sprintf("expected %s, but it succeeded", rec.WantErr)}
		}
		if !rec.WantErr.Matches(err) {
			return &Failure{Rec: rec, Msg: fmt.Sprintf("expected %s\n    actual error: %s", rec.WantErr, indent(ErrorText(err)))}
		}
		return nil
	}
	if err != nil {
		return &Failure{Rec: rec, Msg: "unexpected error: " + indent(ErrorText(err))}
	}
	switch rec.Kind {
	case KindStatement:
		if rec.HasCount && tag.RowsAffected() != rec.Count {
			return &Failure{Rec: rec, Msg: fmt.Sprintf("expected %d rows affected, got %d (tag %q)", rec.Count, tag.RowsAffected(), tag.String())}
		}
	case KindQuery:
		mode := r.sort
		if rec.HasSort {
			mode = rec.Sort
		}
		ok, got, want := Compare(mode, rows, rec.Results)
		if !ok {
			return &Failure{Rec: rec, Msg: "query result mismatch\n" + diff(want, got)}
		}
	}
	return nil
}

func (r *Runner) conn(ctx context.Context, name string) (*pgconn.PgConn, error) {
	if c, ok := r.conns[name]; ok {
		return c, nil
	}
	user, db := r.User, r.Database
	if user == "" {
		user = "root"
	}
	if db == "" {
		db = "dev"
	}
	u := url.URL{Scheme: "postgres", Host: r.Server.Addr(), Path: "/" + db, RawQuery: "sslmode=disable"}
	if r.Password != "" {
		u.User = url.UserPassword(user, r.Password)
	} else {
		u.User = url.User(user)
	}
	c, err := pgconn.Connect(ctx, u.String())
	if err != nil {
		label := name
		if label == "" {
			label = "default"
		}
		return nil, fmt.Errorf("open connection %s to %s: %w", label, r.Server.Addr(), err)
	}
	if r.conns == nil {
		r.conns = map[string]*pgconn.PgConn{}
	}
	r.conns[name] = c
	return c, nil
}

// execute runs sql with the simple query protocol, so that a record may hold several statements and
// every value comes back in the server's own text format. Rows of all statements are collected;
// the tag is the last statement's.
func execute(ctx context.Context, conn *pgconn.PgConn, sql string) ([][]string, pgconn.CommandTag, error) {
	var (
		rows    [][]string
		tag     pgconn.CommandTag
		firstEr error
	)
	mrr := conn.Exec(ctx, sql)
	for mrr.NextResult() {
		rr := mrr.ResultReader()
		for rr.NextRow() {
			vals := rr.Values()
			row := make([]string, len(vals))
			for i, v := range vals {
				row[i] = FormatValue(v)
			}
			rows = append(rows, row)
		}
		t, err := rr.Close()
		if err != nil && firstEr == nil {
			firstEr = err
		}
		tag = t
	}
	if err := mrr.Close(); err != nil && firstEr == nil {
		firstEr = err
	}
	return rows, tag, firstEr
}

func (r *Runner) runSystem(ctx context.Context, rec *Record) error {
	cmd := exec.CommandContext(ctx, "bash", "-c", rec.SQL)
	host, port, _ := strings.Cut(r.Server.Addr(), ":")
	cmd.Env = append(os.Environ(),
		"RUNNEL_ADDR="+r.Server.Addr(), "PGHOST="+host, "PGPORT="+port,
		"PGUSER="+orDefault(r.User, "root"), "PGDATABASE="+orDefault(r.Database, "dev"),
		"PGPASSWORD="+r.Password, "PGSSLMODE=disable")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return &Failure{Rec: rec, Msg: fmt.Sprintf("command failed: %v\n    stderr: %s", err, indent(stderr.String()))}
	}
	if rec.HasOut {
		got := strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n")
		if stdout.Len() == 0 {
			got = nil
		}
		rows := make([][]string, len(got))
		for i, l := range got {
			rows[i] = []string{l}
		}
		if ok, g, w := Compare(NoSort, rows, rec.Results); !ok {
			return &Failure{Rec: rec, Msg: "command output mismatch\n" + diff(w, g)}
		}
	}
	return nil
}

// substitute expands $VAR and ${VAR} from the environment plus upstream's special variables, for
// files that turned on `control substitution`.
func (r *Runner) substitute(s string) string {
	return os.Expand(s, func(name string) string {
		switch name {
		case "__TEST_DIR__":
			return r.TestDir
		case "__DATABASE__":
			return orDefault(r.Database, "dev")
		case "__NOW__":
			return fmt.Sprint(time.Now().UnixNano())
		}
		return os.Getenv(name)
	})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func indent(s string) string { return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n      ") }

// diff lays out expected and actual lines side by side in order, marking the lines that differ, so
// that a one-value difference in a long result is easy to spot.
func diff(want, got []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "    expected %d lines, got %d:\n", len(want), len(got))
	n := max(len(want), len(got))
	for i := range n {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		switch {
		case i >= len(want):
			fmt.Fprintf(&b, "    + %s\n", g)
		case i >= len(got):
			fmt.Fprintf(&b, "    - %s\n", w)
		case lineMatches(g, w):
			fmt.Fprintf(&b, "      %s\n", g)
		default:
			fmt.Fprintf(&b, "    - %s\n    + %s\n", w, g)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
