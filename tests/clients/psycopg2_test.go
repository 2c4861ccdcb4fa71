package clients

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPsycopg2 runs python/scenario.py with Debian's python3-psycopg2 (hence /usr/bin/python3,
// not whatever python3 comes first on PATH).
func TestPsycopg2(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import psycopg2").Run(); err != nil {
		t.Skipf("%s with psycopg2 is not installed: %v", python, err)
	}
	s := startServer(t)
	runProgram(t, s, filepath.Join(repoRoot(t), "tests", "clients", "python"), python, "scenario.py")
}
