package tests

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

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

// repoRoot finds the module root through `go env GOMOD`, so the test works from any directory.
func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the runnel module")
	}
	return filepath.Dir(mod), nil
}

// runnelBinary builds cmd/runnel once per test process: each slt file starts its own server, and
// `go run` per file would relink every time.
func runnelBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := repoRoot()
		if err != nil {
			buildErr = err
			return
		}
		binDir, err = os.MkdirTemp("", "runnel-slt-")
		if err != nil {
			buildErr = err
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

// parallelism caps how many servers run at once. Each is a whole database with its own goroutines
// per core; more than a few at a time only makes each test slower and timing-sensitive.
func parallelism() int {
	if n, err := strconv.Atoi(os.Getenv("RUNNEL_SLT_PARALLEL")); err == nil && n > 0 {
		return n
	}
	return min(4, max(2, runtime.NumCPU()/2))
}

// TestSLT runs every tests/slt/**/*.slt file against a fresh server, one subtest per file named by
// its path under slt/ without the extension: go test ./tests/ -run 'TestSLT/basic/select$'.
//
// RUNNEL_SLT=path runs just that file; with RUNNEL_ADDR=host:port it runs against a server that is
// already running instead of starting one (restart and kill records then fail).
func TestSLT(t *testing.T) {
	if one := os.Getenv("RUNNEL_SLT"); one != "" {
		path, err := resolve(one)
		if err != nil {
			t.Fatal(err)
		}
		if addr := os.Getenv("RUNNEL_ADDR"); addr != "" {
			runFile(t, path, sltrun.FixedServer(addr), t.TempDir())
			return
		}
		runFileFresh(t, runnelBinary(t), path)
		return
	}

	var files []string
	err := filepath.WalkDir("slt", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// Only *.slt files are tests; fragments meant for `include` are named *.slt.part.
		if !d.IsDir() && strings.HasSuffix(path, ".slt") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("list slt files: %v", err)
	}
	if len(files) == 0 {
		t.Skip("no slt files under tests/slt")
	}
	bin := runnelBinary(t)
	sem := make(chan struct{}, parallelism())
	for _, f := range files {
		name := strings.TrimSuffix(filepath.ToSlash(strings.TrimPrefix(f, "slt"+string(filepath.Separator))), ".slt")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			runFileFresh(t, bin, f)
		})
	}
}

// resolve finds a file named relative to the test's directory (tests/) or to the repository root,
// whichever exists, since people type either.
func resolve(path string) (string, error) {
	if filepath.IsAbs(path) {
		return path, nil
	}
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, path)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("RUNNEL_SLT=%s: no such file here or under %s", path, root)
	}
	return p, nil
}

func runFileFresh(t *testing.T, bin, path string) {
	dataDir := t.TempDir()
	ctx := context.Background()
	srv, err := sltrun.StartProcess(ctx, bin, dataDir)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	var stopped bool
	t.Cleanup(func() {
		if !stopped {
			srv.Kill()
		}
	})
	ok := runFile(t, path, srv, t.TempDir())
	stopped = true
	if err := srv.Stop(); err != nil {
		t.Errorf("%v", err)
		ok = false
	}
	if !ok {
		t.Logf("server log (tail):\n%s", tail(srv.Logs(), 16<<10))
	}
}

// runFile runs one file and reports whether it passed.
func runFile(t *testing.T, path string, srv sltrun.Server, testDir string) bool {
	recs, err := sltrun.ParseFile(path)
	if err != nil {
		t.Errorf("%v", err)
		return false
	}
	r := &sltrun.Runner{Server: srv, TestDir: testDir, Password: os.Getenv("RUNNEL_PASSWORD"), Logf: t.Logf}
	defer r.Close()
	if err := r.Run(context.Background(), recs); err != nil {
		t.Errorf("%v", err)
		return false
	}
	return true
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
