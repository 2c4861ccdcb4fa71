package clients

import (
	"os"
	"path/filepath"
	"testing"
)

// TestNodePostgres runs node/scenario.js with node-postgres (pg and pg-cursor, locked in
// node/package-lock.json; .ci/run installs them with npm ci).
func TestNodePostgres(t *testing.T) {
	node := need(t, "node")
	dir := filepath.Join(repoRoot(t), "tests", "clients", "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "pg", "package.json")); err != nil {
		t.Skipf("node-postgres is not installed (npm ci in %s): %v", dir, err)
	}
	s := startServer(t)
	runProgram(t, s, dir, node, "scenario.js")
}
