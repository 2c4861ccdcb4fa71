package clients

import (
	"os"
	"path/filepath"
	"testing"
)

// postgresJar is where Debian's libpostgresql-jdbc-java puts pgJDBC.
const postgresJar = "/usr/share/java/postgresql.jar"

// TestJDBC runs java/Scenario.java with pgJDBC, as a single-file source program (Java 11+), so no
// build step is needed.
func TestJDBC(t *testing.T) {
	java := need(t, "java")
	if _, err := os.Stat(postgresJar); err != nil {
		t.Skipf("pgJDBC is not installed: %v", err)
	}
	s := startServer(t)
	runProgram(t, s, filepath.Join(repoRoot(t), "tests", "clients", "java"), java, "-cp", postgresJar, "Scenario.java")
}
