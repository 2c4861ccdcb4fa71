package difftest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// genDML returns one random DML statement. Inserts dominate a little so the tables stay populated;
// the value domains keep them small (t1 and t3 by their keys, t2 because deletes hit ~1/7 of it).
func genDML(r *rand.Rand) string {
	t := tables[r.IntN(len(tables))]
	switch n := r.IntN(100); {
	case n < 45:
		rows := make([]string, 1+r.IntN(5))
		for i := range rows {
			rows[i] = t.row(r)
		}
		return fmt.Sprintf("INSERT INTO %s VALUES %s", t.name, strings.Join(rows, ", "))
	case n < 72:
		return fmt.Sprintf("UPDATE %s SET %s WHERE %s", t.name, assignments(r, t), predicate(r, t, 2))
	case n < 75:
		// Whole-table updates move every group and every match in one epoch.
		return fmt.Sprintf("UPDATE %s SET %s", t.name, assignments(r, t))
	case n < 80 && t.name == "t1":
		// Retracting the current extreme forces min/max to look past the value they hold.
		return "DELETE FROM t1 WHERE v = (SELECT max(v) FROM t1)"
	default:
		return fmt.Sprintf("DELETE FROM %s WHERE %s", t.name, predicate(r, t, 2))
	}
}

// assignments sets one or two columns, including keys (group keys, join keys and primary keys, whose
// update moves a row between groups, matches or key slots).
//
// Updates of a primary-key column are refused (0A000, as in RisingWave: moving rows between keys
// could overwrite other rows); the generator skips refused DML, so they cost nothing.
func assignments(r *rand.Rand, t table) string {
	var out []string
	used := map[string]bool{}
	for i := 0; i < 1+r.IntN(2); i++ {
		c := t.cols[r.IntN(len(t.cols))]
		if used[c.name] {
			continue
		}
		used[c.name] = true
		val := c.lit(r)
		if c.key && val == "NULL" {
			val = "0"
		}
		if c.num && r.IntN(3) == 0 {
			val = fmt.Sprintf("%s + 1", c.name)
			if c.key {
				// Wrap so that keys stay in their small domain instead of drifting away.
				val = fmt.Sprintf("(%s + 1) %% 7", c.name)
			}
		}
		out = append(out, c.name+" = "+val)
	}
	return strings.Join(out, ", ")
}

func predicate(r *rand.Rand, t table, depth int) string {
	if depth > 0 && r.IntN(4) == 0 {
		op := []string{"AND", "OR"}[r.IntN(2)]
		return fmt.Sprintf("(%s %s %s)", predicate(r, t, depth-1), op, predicate(r, t, depth-1))
	}
	c := t.cols[r.IntN(len(t.cols))]
	switch n := r.IntN(10); {
	case n == 0:
		return c.name + " IS NULL"
	case n == 1:
		return c.name + " IS NOT NULL"
	case c.num && n < 4:
		return fmt.Sprintf("%s %s %s", c.name, []string{"<", ">", "<=", ">="}[r.IntN(4)], intIn(r, -2, 10))
	case c.num && n < 5:
		return fmt.Sprintf("%s %% 3 = %d", c.name, r.IntN(3))
	}
	lit := c.lit(r)
	if lit == "NULL" {
		return c.name + " IS NULL"
	}
	return c.name + " = " + lit
}
