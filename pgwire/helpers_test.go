package pgwire

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

type testServer struct {
	srv     *Server
	backend *fakeBackend
	addr    *net.TCPAddr
	writes  *atomic.Int64 // Write calls on server-side connections
}

func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	if cfg.Logger == nil {
		level := slog.LevelError
		if os.Getenv("PGWIRE_DEBUG") != "" {
			level = slog.LevelDebug
		}
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{backend: &fakeBackend{}, addr: ln.Addr().(*net.TCPAddr), writes: &atomic.Int64{}}
	ts.srv = NewServer(cfg, ts.backend)
	done := make(chan error, 1)
	go func() { done <- ts.srv.Serve(&countingListener{Listener: ln, writes: ts.writes}) }()
	t.Cleanup(func() {
		if err := ts.srv.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("serve did not return after close")
		}
	})
	return ts
}

func (ts *testServer) url(extra string) string {
	return fmt.Sprintf("postgres://root@127.0.0.1:%d/dev?sslmode=disable%s", ts.addr.Port, extra)
}

func (ts *testServer) connect(t *testing.T, extra string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, ts.url(extra))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// countingListener counts the Write calls on accepted connections, to check output batching.
type countingListener struct {
	net.Listener
	writes *atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, writes: l.writes}, nil
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c *countingConn) Write(b []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(b)
}
