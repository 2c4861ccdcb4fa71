package difftest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The tables are small on purpose: every column draws from a handful of values so that groups,
// join keys and DISTINCT sets collide constantly, which is where retraction bugs live.
//
//	t1: primary key id; an INSERT of an existing id overwrites the row.
//	t2: no primary key; duplicate rows are legal and must be counted twice.
//	t3: primary key k, which is also a join key of the other tables, so updating it moves matches.
var tableDDL = []string{
	"CREATE TABLE t1 (id int PRIMARY KEY, g int, k int, v int, s varchar, ts timestamp)",
	"CREATE TABLE t2 (k int, g int, w int, s varchar)",
	"CREATE TABLE t3 (k int PRIMARY KEY, x int, s varchar)",
}

// column generators produce SQL literals. NULL comes up often enough to reach the NULL paths of
// aggregates and joins but not so often that it dominates.
func maybeNull(r *rand.Rand, lit string) string {
	if r.IntN(10) == 0 {
		return "NULL"
	}
	return lit
}

func intIn(r *rand.Rand, lo, hi int) string { return fmt.Sprint(lo + r.IntN(hi-lo+1)) }

func idLit(r *rand.Rand) string  { return intIn(r, 0, 24) }
func gLit(r *rand.Rand) string   { return maybeNull(r, intIn(r, 0, 3)) }
func kLit(r *rand.Rand) string   { return maybeNull(r, intIn(r, 0, 5)) }
func valLit(r *rand.Rand) string { return maybeNull(r, intIn(r, -3, 12)) }
func strLit(r *rand.Rand) string {
	return maybeNull(r, "'"+[]string{"a", "b", "c", "d"}[r.IntN(4)]+"'")
}

// tsLit spreads rows over six 10-second windows, so TUMBLE groups fill and empty as rows move.
func tsLit(r *rand.Rand) string {
	return maybeNull(r, fmt.Sprintf("'2024-01-01 00:00:%02d'", r.IntN(60)))
}

// table describes how to generate rows, assignments and predicates for one table.
type table struct {
	name string
	cols []column
}

type column struct {
	name string
	lit  func(*rand.Rand) string
	// num marks integer columns, which may also be updated arithmetically and compared with < and >.
	num bool
	// key marks a primary key column: never NULL on insert.
	key bool
}

var tables = []table{
	{"t1", []column{
		{"id", idLit, true, true}, {"g", gLit, true, false}, {"k", kLit, true, false},
		{"v", valLit, true, false}, {"s", strLit, false, false}, {"ts", tsLit, false, false},
	}},
	{"t2", []column{
		{"k", kLit, true, false}, {"g", gLit, true, false}, {"w", valLit, true, false}, {"s", strLit, false, false},
	}},
	{"t3", []column{
		{"k", func(r *rand.Rand) string { return intIn(r, 0, 5) }, true, true},
		{"x", valLit, true, false}, {"s", strLit, false, false},
	}},
}

func (t table) row(r *rand.Rand) string {
	vals := make([]string, len(t.cols))
	for i, c := range t.cols {
		vals[i] = c.lit(r)
	}
	return "(" + strings.Join(vals, ", ") + ")"
}
