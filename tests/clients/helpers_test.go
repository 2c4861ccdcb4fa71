// Package clients runs real PostgreSQL clients (psql, pgx, lib/pq, psycopg2, pgJDBC,
// node-postgres) and the SQL of tools built on them (Grafana, DBeaver/DataGrip-style catalog
// introspection) against a real server. Each test skips only when its client's runtime or library
// is not installed; .ci/run installs them all.
package clients

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runnel-db/runnel/tests/sltrun"
)

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// repoRoot finds the module root through `go env GOMOD`, so the tests work from any directory.
func repoRoot(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		t.Fatal("not inside the runnel module")
	}
	return filepath.Dir(mod)
}

// runnelBinary builds cmd/runnel once per test process, shared by every client's server.
func runnelBinary(t testing.TB) string {
	t.Helper()
	root := repoRoot(t)
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "runnel-clients-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "runnel")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/runnel")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/runnel: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// server is a fresh runnel serve for one test.
type server struct {
	*sltrun.Process
	host, port string
}

func startServer(t testing.TB) *server {
	t.Helper()
	p, err := sltrun.StartProcess(context.Background(), runnelBinary(t), t.TempDir())
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("stop server: %v", err)
		}
		if t.Failed() {
			logs := p.Logs()
			if len(logs) > 8<<10 {
				logs = "..." + logs[len(logs)-8<<10:]
			}
			t.Logf("server log (tail):\n%s", logs)
		}
	})
	host, port, err := net.SplitHostPort(p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	return &server{Process: p, host: host, port: port}
}

// url is a connection URL for Go drivers.
func (s *server) url() string {
	return "postgres://root@" + s.Addr() + "/dev?sslmode=disable&connect_timeout=10"
}

// env is what an external client program reads to find the server.
func (s *server) env() []string {
	return append(os.Environ(), "PGHOST="+s.host, "PGPORT="+s.port, "PGUSER=root", "PGDATABASE=dev",
		"PGSSLMODE=disable", "PGCONNECT_TIMEOUT=10")
}

// runProgram runs an external client program with the server's address in its environment and fails
// the test, showing everything it printed, when it exits non-zero. Programs print one line per step.
func runProgram(t *testing.T, s *server, dir string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = s.env()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	t.Logf("%s output:\n%s", filepath.Base(name), out.String())
	return out.String()
}

// need skips the test when a client's runtime is not installed.
func need(t *testing.T, program string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err != nil {
		t.Skipf("%s is not installed", program)
	}
	return p
}
