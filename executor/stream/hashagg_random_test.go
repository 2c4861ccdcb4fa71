package stream

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/runnel-db/runnel/types"
)

// TestHashAggRandom maintains a view through random inserts, deletes and updates over a few
// groups, with restarts and a tiny cache (so state is read back from Pebble), and compares it each
// epoch with a from-scratch computation by fresh AggStates. The append-only runs insert only, into
// an aggregation told so, with a tiny cache and with one that never evicts (whose misses are
// answered without Pebble until the first restart).
func TestHashAggRandom(t *testing.T) {
	i64, str, boo := types.Int64, types.Varchar, types.Bool
	// Columns: k, v, s, f, d (a string_agg delimiter).
	inTypes := []types.Type{i64, i64, str, boo, str}
	call := func(name string, distinct bool, filter int, order []SortKey, args ...int) AggCall {
		ts := make([]types.Type, len(args))
		for i, a := range args {
			ts[i] = inTypes[a]
		}
		return AggCall{Func: agFunc(t, name, distinct, ts...), Args: args, Distinct: distinct, Filter: filter, OrderBy: order}
	}
	calls := []AggCall{
		call("count", false, -1, nil),
		call("count", false, -1, nil, 1),
		call("sum", false, -1, nil, 1),
		call("min", false, -1, nil, 1),
		call("max", false, -1, nil, 1),
		call("avg", false, -1, nil, 1),
		call("count", true, -1, nil, 1),
		call("sum", true, -1, nil, 1),
		call("string_agg", false, -1, []SortKey{{Col: 1}, {Col: 2}}, 2, 4),
		call("array_agg", false, -1, []SortKey{{Col: 1, Desc: true, NullsFirst: true}}, 1),
		call("sum", false, 3, nil, 1),
		call("max", false, 3, nil, 2),
		call("bool_and", false, -1, nil, 3),
		call("array_agg", true, -1, []SortKey{{Col: 2}}, 2),
		call("stddev_samp", false, -1, nil, 1),
		call("min", true, -1, nil, 2),
		// q16's shape: DISTINCT aggregates over one argument, some filtered, share a keyspace.
		call("count", true, 3, nil, 1),
		call("count", true, 3, nil, 2),
		call("sum", true, 3, nil, 1),
	}
	type mode struct {
		appendOnly bool
		cache      int64
	}
	for _, m := range []mode{{false, 2048}, {true, 2048}, {true, 64 << 20}} {
		for _, groupBy := range [][]int{{0}, nil} {
			for seed := uint64(1); seed <= 3; seed++ {
				t.Run(fmt.Sprintf("appendOnly=%v/cache=%d/groupBy=%v/seed=%d", m.appendOnly, m.cache, groupBy, seed), func(t *testing.T) {
					randomAggRun(t, seed, m.appendOnly, m.cache, inTypes, groupBy, calls)
				})
			}
		}
	}
}

func randomAggRun(t *testing.T, seed uint64, appendOnly bool, cache int64, inTypes []types.Type, groupBy []int, calls []AggCall) {
	rng := rand.New(rand.NewPCG(seed, 99))
	rig := newAggRig(t, cache, inTypes, groupBy, calls)
	if appendOnly {
		rig.appendOnly = true
		rig.reopen()
	}
	var live []types.Row
	pick := func(n int) types.Datum { return agNullable(rng, n) }
	newRow := func() types.Row {
		k, v, s := pick(3), pick(7), pick(3)
		if !v.IsNull() {
			v = agI(v.Int() - 3)
		}
		if !s.IsNull() {
			s = agS(string(rune('a' + s.Int())))
		}
		f := pick(2)
		if !f.IsNull() {
			f = agB(f.Int() == 1)
		}
		return agRow(k, v, s, f, agS([]string{",", ";"}[rng.IntN(2)]))
	}
	for epoch := 1; epoch <= 150; epoch++ {
		if epoch%7 == 0 {
			rig.reopen()
		}
		for range rng.IntN(3) {
			var ops []types.Op
			var rows []types.Row
			for range rng.IntN(12) {
				switch x := rng.IntN(10); {
				case x < 5 || len(live) == 0 || appendOnly:
					r := newRow()
					live = append(live, r)
					ops, rows = append(ops, types.Insert), append(rows, r)
				case x < 8:
					j := rng.IntN(len(live))
					ops, rows = append(ops, types.Delete), append(rows, live[j])
					live = slices.Delete(live, j, j+1)
				default:
					j := rng.IntN(len(live))
					r := newRow()
					ops = append(ops, types.UpdateDelete, types.UpdateInsert)
					rows = append(rows, live[j], r)
					live[j] = r
				}
			}
			rig.push(ops, rows)
		}
		rig.flush()
		want := agReference(t, live, groupBy, calls)
		if got := rig.rows(); !slices.Equal(got, want) {
			t.Fatalf("epoch %d: view\n  %q\nwant\n  %q", epoch, got, want)
		}
	}
}

// agNullable returns NULL or an integer in [0, n), NULL about one time in n+1.
func agNullable(rng *rand.Rand, n int) types.Datum {
	x := rng.IntN(n + 1)
	if x == n {
		return agN
	}
	return agI(int64(x))
}

// agReference computes the aggregation of rows from scratch, as sorted row texts.
func agReference(t *testing.T, rows []types.Row, groupBy []int, calls []AggCall) []string {
	groups := map[string][]types.Row{}
	keys := map[string]types.Row{}
	for _, r := range rows {
		var kr types.Row
		for _, c := range groupBy {
			kr = append(kr, r[c])
		}
		k := aggRowText(kr)
		groups[k] = append(groups[k], r)
		keys[k] = kr
	}
	if len(groupBy) == 0 && len(rows) == 0 {
		groups[""], keys[""] = nil, nil
	}
	var out []string
	for k, rs := range groups {
		res := slices.Clone(keys[k])
		for _, c := range calls {
			res = append(res, agReferenceOne(t, rs, c))
		}
		out = append(out, aggRowText(res))
	}
	slices.Sort(out)
	return out
}

func agReferenceOne(t *testing.T, rows []types.Row, c AggCall) types.Datum {
	var in [][]types.Datum
	for _, r := range rows {
		if c.Filter >= 0 && (r[c.Filter].IsNull() || !r[c.Filter].Bool()) {
			continue
		}
		args := []types.Datum{}
		for _, a := range c.Args {
			args = append(args, r[a])
		}
		// Order keys go first so that sorting the tuples sorts by them, then by the arguments
		// (the operator's tie-break).
		var ord []types.Datum
		for _, k := range c.OrderBy {
			ord = append(ord, r[k.Col])
		}
		in = append(in, append(ord, args...))
	}
	no := len(c.OrderBy)
	cmpKey := func(a, b types.Datum, k SortKey) int {
		switch {
		case a.IsNull() && b.IsNull():
			return 0
		case a.IsNull() || b.IsNull():
			if a.IsNull() == k.NullsFirst {
				return -1
			}
			return 1
		}
		x := types.Compare(a, b)
		if k.Desc {
			x = -x
		}
		return x
	}
	slices.SortStableFunc(in, func(a, b []types.Datum) int {
		for i := range a {
			k := SortKey{}
			if i < no {
				k = c.OrderBy[i]
			}
			if x := cmpKey(a[i], b[i], k); x != 0 {
				return x
			}
		}
		return 0
	})
	st := c.Func.NewState()
	var prev []types.Datum
	for _, tuple := range in {
		args := tuple[no:]
		if c.Distinct {
			if prev != nil && slices.EqualFunc(prev, args, func(a, b types.Datum) bool { return types.Compare(a, b) == 0 }) {
				continue
			}
			if c.Func.Retractable() && slices.ContainsFunc(args, types.Datum.IsNull) {
				continue
			}
			// Deduplicating adjacent tuples needs them sorted by their arguments first.
			if no != 0 && !slices.EqualFunc(tuple[:no], args[:no], func(a, b types.Datum) bool { return types.Compare(a, b) == 0 }) {
				t.Fatalf("reference: DISTINCT with ORDER BY other than the arguments")
			}
			prev = args
		}
		if err := st.Add(args); err != nil {
			t.Fatal(err)
		}
	}
	return st.Result()
}
