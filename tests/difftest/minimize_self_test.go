package difftest

import (
	"slices"
	"testing"
)

// TestMinimize checks the shrinker on a planted discrepancy: the "view" is compared with a query
// that differs from its definition exactly on rows with v = 3, so the single statement inserting
// such a row (and the DDL) must be all that is left.
func TestMinimize(t *testing.T) {
	target := viewDef{"x", "SELECT id FROM t1 WHERE v >= 3"}
	history := []string{
		tableDDL[0],
		"CREATE MATERIALIZED VIEW x AS SELECT id FROM t1 WHERE v > 3",
		"INSERT INTO t1 VALUES (1, 0, 0, 5, 'a', NULL)",
		"INSERT INTO t1 VALUES (2, 0, 0, 1, 'a', NULL)",
		restartMark,
		"UPDATE t1 SET v = 4 WHERE id = 1",
		"INSERT INTO t1 VALUES (3, 0, 0, 3, 'a', NULL)",
		"DELETE FROM t1 WHERE id = 2",
		"INSERT INTO t1 VALUES (4, 0, 0, 7, 'b', NULL)",
	}
	got, ok := minimize(t, history, target)
	want := []string{history[0], history[1], "INSERT INTO t1 VALUES (3, 0, 0, 3, 'a', NULL)"}
	if !ok || !slices.Equal(got, want) {
		t.Fatalf("minimize = %q, %v; want %q", got, ok, want)
	}
}
