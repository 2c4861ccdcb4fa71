package pgwire

import (
	"context"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

func TestCancelRequest(t *testing.T) {
	ts := startServer(t, Config{})
	for _, query := range []string{"sleep", "spin"} {
		t.Run(query, func(t *testing.T) {
			conn := ts.connect(t, "")
			ctx := testCtx(t)
			go func() {
				time.Sleep(200 * time.Millisecond)
				if err := conn.PgConn().CancelRequest(ctx); err != nil {
					t.Errorf("cancel request: %v", err)
				}
			}()
			_, err := conn.Exec(ctx, query)
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "57014" || pgErr.Message != "canceling statement due to user request" {
				t.Fatalf("err = %v", err)
			}
			var n int64
			if err := conn.QueryRow(ctx, "select 1").Scan(&n); err != nil {
				t.Fatalf("after cancel: %v", err)
			}
		})
	}

	t.Run("context cancel", func(t *testing.T) {
		conn := ts.connect(t, "")
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		if _, err := conn.Exec(ctx, "sleep"); err == nil {
			t.Fatal("sleep returned without error")
		}
	})

	t.Run("wrong secret is ignored", func(t *testing.T) {
		r := dialRaw(t, ts)
		r.send(&pgproto3.CancelRequest{ProcessID: 1, SecretKey: []byte{0, 0, 0, 0}})
		var b [1]byte
		if n, _ := r.nc.Read(b[:]); n != 0 {
			t.Fatal("cancel request got an answer")
		}
	})
}

func TestSCRAM(t *testing.T) {
	ts := startServer(t, Config{Password: "s3cret"})
	ctx := testCtx(t)
	tests := []struct {
		user, password string
		code           string
	}{
		{"root", "s3cret", ""},
		{"alice", "s3cret", ""},
		{"root", "wrong", "28P01"},
		{"root", "", "28P01"},
	}
	for _, tt := range tests {
		url := strings.Replace(ts.url(""), "root@", tt.user+":"+tt.password+"@", 1)
		conn, err := pgx.Connect(ctx, url)
		if tt.code == "" {
			if err != nil {
				t.Fatalf("%s/%s: %v", tt.user, tt.password, err)
			}
			var n int64
			if err := conn.QueryRow(ctx, "select 1").Scan(&n); err != nil {
				t.Fatal(err)
			}
			conn.Close(ctx)
			continue
		}
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != tt.code || pgErr.Severity != "FATAL" ||
			pgErr.Message != `password authentication failed for user "`+tt.user+`"` {
			t.Fatalf("%s/%s: err = %v", tt.user, tt.password, err)
		}
	}
}

func TestSSLPrefer(t *testing.T) {
	ts := startServer(t, Config{})
	conn := ts.connect(t, "&sslmode=prefer")
	var n int64
	if err := conn.QueryRow(testCtx(t), "select 1").Scan(&n); err != nil {
		t.Fatal(err)
	}
}

func TestConnectionLimitAndCount(t *testing.T) {
	ts := startServer(t, Config{MaxConnections: 1})
	ctx := testCtx(t)
	conn := ts.connect(t, "")
	if got := ts.srv.ConnCount(); got != 1 {
		t.Errorf("ConnCount = %d", got)
	}
	_, err := pgx.Connect(ctx, ts.url(""))
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "53300" {
		t.Fatalf("second connection: %v", err)
	}
	conn.Close(ctx)
	waitFor(t, func() bool { return ts.srv.ConnCount() == 0 })
	conn2 := ts.connect(t, "")
	if err := conn2.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return ts.backend.closed.Load() == ts.backend.sessions.Load()-1 })
}

func TestCloseWithOpenConnections(t *testing.T) {
	ts := startServer(t, Config{})
	conn := ts.connect(t, "")
	ctx := testCtx(t)
	errc := make(chan error, 1)
	go func() { _, err := conn.Exec(ctx, "sleep"); errc <- err }()
	time.Sleep(100 * time.Millisecond)
	if err := ts.srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil {
		t.Fatal("query survived Close")
	}
	if n := ts.srv.ConnCount(); n != 0 {
		t.Fatalf("ConnCount after Close = %d", n)
	}
	if s, c := ts.backend.sessions.Load(), ts.backend.closed.Load(); s != c {
		t.Fatalf("%d sessions, %d closed", s, c)
	}
}

func TestLargeResultIsBatched(t *testing.T) {
	ts := startServer(t, Config{})
	conn := ts.connect(t, "")
	ctx := testCtx(t)
	before := ts.writes.Load()
	rows, err := conn.Query(ctx, "select 100000", pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatal(err)
	}
	var n, sum int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		n++
		sum += v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 100000 || sum != 100000*100001/2 {
		t.Fatalf("got %d rows summing to %d", n, sum)
	}
	// ~1.3 MB of DataRows in 64 KiB writes.
	if w := ts.writes.Load() - before; w > 100 {
		t.Errorf("%d writes for 100k rows", w)
	}
}

func TestPsql(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("psql not installed")
	}
	ts := startServer(t, Config{})
	ctx := testCtx(t)
	cmd := exec.CommandContext(ctx, psql, "-h", "127.0.0.1", "-p", strconv.Itoa(ts.addr.Port), "-U", "root", "dev",
		"-X", "-A", "-t", "-c", "select 3")
	cmd.Env = append(cmd.Environ(), "PGCONNECT_TIMEOUT=10")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "1\n2\n3" {
		t.Fatalf("psql printed %q", got)
	}

	cmd = exec.CommandContext(ctx, psql, "-h", "127.0.0.1", "-p", strconv.Itoa(ts.addr.Port), "-U", "root", "dev",
		"-X", "-c", "fail 42P01")
	out, _ = cmd.CombinedOutput()
	if !strings.Contains(string(out), "ERROR:  boom") || !strings.Contains(string(out), "DETAIL:  the detail") {
		t.Fatalf("psql error output %q", out)
	}
}

func TestPsqlSCRAM(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("psql not installed")
	}
	ts := startServer(t, Config{Password: "pässword"})
	for _, tt := range []struct {
		password string
		ok       bool
	}{{"pässword", true}, {"nope", false}} {
		cmd := exec.CommandContext(testCtx(t), psql, "-h", "127.0.0.1", "-p", strconv.Itoa(ts.addr.Port), "-U", "root",
			"dev", "-X", "-A", "-t", "-c", "select 1")
		cmd.Env = append(cmd.Environ(), "PGPASSWORD="+tt.password, "PGCONNECT_TIMEOUT=10")
		out, err := cmd.CombinedOutput()
		if tt.ok && (err != nil || strings.TrimSpace(string(out)) != "1") {
			t.Fatalf("psql with the right password: %v\n%s", err, out)
		}
		if !tt.ok && (err == nil || !strings.Contains(string(out), `password authentication failed for user "root"`)) {
			t.Fatalf("psql with a wrong password: %v\n%s", err, out)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
