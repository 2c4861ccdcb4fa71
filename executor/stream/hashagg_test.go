package stream

import (
	"slices"
	"testing"

	"github.com/runnel-db/runnel/types"
)

// aggEpoch is one epoch of a table-driven case: optionally restart the operator from the committed
// state, push the changes (one chunk each), flush, and check the changes emitted and the view.
type aggEpoch struct {
	reopen bool
	in     []aggIn
	want   []string // emitted changes, in order
	view   []string // the view afterwards, sorted; nil skips the check
}

func TestHashAgg(t *testing.T) {
	i64, str, boo := types.Int64, types.Varchar, types.Bool
	r := agRow
	kv := []types.Type{i64, i64}
	count := AggCall{Func: agFunc(t, "count", false), Filter: -1}
	call := func(name string, col int, typ types.Type) AggCall {
		return AggCall{Func: agFunc(t, name, false, typ), Args: []int{col}, Filter: -1}
	}
	distinct := func(name string, col int, typ types.Type) AggCall {
		return AggCall{Func: agFunc(t, name, true, typ), Args: []int{col}, Distinct: true, Filter: -1}
	}
	tests := []struct {
		name    string
		inTypes []types.Type
		groupBy []int
		calls   []AggCall
		epochs  []aggEpoch
	}{
		{
			name: "rows move between groups; extremes re-derived; groups empty", inTypes: kv, groupBy: []int{0},
			calls: []AggCall{count, call("sum", 1, i64), call("min", 1, i64), call("max", 1, i64)},
			epochs: []aggEpoch{
				{in: []aggIn{agIns(r(agI(1), agI(10)), r(agI(1), agI(20)), r(agI(2), agI(5)))},
					want: []string{"+ 1|2|30|10|20", "+ 2|1|5|5|5"}},
				{in: []aggIn{agUpd(r(agI(1), agI(20)), r(agI(2), agI(20)))},
					want: []string{"U- 1|2|30|10|20", "U+ 1|1|10|10|10", "U- 2|1|5|5|5", "U+ 2|2|25|5|20"}},
				{in: []aggIn{agDel(r(agI(2), agI(20)), r(agI(1), agI(10)))},
					want: []string{"U- 2|2|25|5|20", "U+ 2|1|5|5|5", "- 1|1|10|10|10"},
					view: []string{"2|1|5|5|5"}},
				{in: []aggIn{agIns(r(agI(2), agI(3)), r(agI(2), agI(8))), agDel(r(agI(2), agI(3)))},
					want: []string{"U- 2|1|5|5|5", "U+ 2|2|13|5|8"}},
				{reopen: true, in: []aggIn{agDel(r(agI(2), agI(5)))},
					want: []string{"U- 2|2|13|5|8", "U+ 2|1|8|8|8"}},
				{want: nil, view: []string{"2|1|8|8|8"}},
				{in: []aggIn{agIns(r(agI(3), agI(1))), agDel(r(agI(3), agI(1)))}, want: nil},
				// A duplicate of the max comes and goes: the row is unchanged, nothing is emitted.
				{in: []aggIn{agIns(r(agI(2), agI(8))), agDel(r(agI(2), agI(8)))}, want: nil},
				{in: []aggIn{agIns(r(agI(2), agI(8)))}, want: []string{"U- 2|1|8|8|8", "U+ 2|2|16|8|8"}},
				{in: []aggIn{agDel(r(agI(2), agI(8)))}, want: []string{"U- 2|2|16|8|8", "U+ 2|1|8|8|8"}},
				{in: []aggIn{agDel(r(agI(2), agI(8)))}, want: []string{"- 2|1|8|8|8"}, view: []string{}},
			},
		},
		{
			name: "simple aggregation on empty input", inTypes: kv,
			calls: []AggCall{count, call("count", 1, i64), call("sum", 1, i64), call("min", 1, i64), call("avg", 1, i64)},
			epochs: []aggEpoch{
				{want: []string{"+ 0|0|NULL|NULL|NULL"}},
				{want: nil},
				{in: []aggIn{agIns(r(agI(1), agI(10)), r(agI(2), agN))},
					want: []string{"U- 0|0|NULL|NULL|NULL", "U+ 2|1|10|10|10.0000000000000000"}},
				{in: []aggIn{agDel(r(agI(1), agI(10)), r(agI(2), agN))},
					want: []string{"U- 2|1|10|10|10.0000000000000000", "U+ 0|0|NULL|NULL|NULL"}},
				{reopen: true, want: nil, view: []string{"0|0|NULL|NULL|NULL"}},
				{in: []aggIn{agIns(r(agI(1), agI(4)))}, want: []string{"U- 0|0|NULL|NULL|NULL", "U+ 1|1|4|4|4.0000000000000000"}},
			},
		},
		{
			name: "simple aggregation restarted before its first flush", inTypes: kv,
			calls: []AggCall{count},
			epochs: []aggEpoch{
				{reopen: true, in: []aggIn{agIns(r(agI(1), agI(1)))}, want: []string{"+ 1"}},
				{reopen: true, want: nil, view: []string{"1"}},
			},
		},
		{
			name: "distinct with duplicates and retractions", inTypes: kv, groupBy: []int{0},
			calls: []AggCall{distinct("count", 1, i64), distinct("sum", 1, i64), call("count", 1, i64),
				{Func: agFunc(t, "max", true, i64), Args: []int{1}, Distinct: true, Filter: -1}},
			epochs: []aggEpoch{
				{in: []aggIn{agIns(r(agI(1), agI(5)), r(agI(1), agI(5)), r(agI(1), agI(7)), r(agI(1), agN))},
					want: []string{"+ 1|2|12|3|7"}},
				{in: []aggIn{agDel(r(agI(1), agI(5)))}, want: []string{"U- 1|2|12|3|7", "U+ 1|2|12|2|7"}},
				{reopen: true, in: []aggIn{agDel(r(agI(1), agI(5)))}, want: []string{"U- 1|2|12|2|7", "U+ 1|1|7|1|7"}},
				{in: []aggIn{agIns(r(agI(1), agI(7))), agDel(r(agI(1), agN))}, want: []string{"U- 1|1|7|1|7", "U+ 1|1|7|2|7"}},
				{in: []aggIn{agDel(r(agI(1), agI(7)))}, want: []string{"U- 1|1|7|2|7", "U+ 1|1|7|1|7"}},
				{in: []aggIn{agDel(r(agI(1), agI(7)))}, want: []string{"- 1|1|7|1|7"}, view: []string{}},
			},
		},
		{
			name: "string_agg and array_agg with ORDER BY", inTypes: []types.Type{i64, str, i64, str}, groupBy: []int{0},
			calls: []AggCall{
				{Func: agFunc(t, "string_agg", false, str, str), Args: []int{1, 3}, Filter: -1,
					OrderBy: []SortKey{{Col: 2, Desc: true, NullsFirst: true}}},
				{Func: agFunc(t, "array_agg", false, i64), Args: []int{2}, Filter: -1, OrderBy: []SortKey{{Col: 2}}},
				{Func: agFunc(t, "string_agg", false, str, str), Args: []int{1, 3}, Filter: -1},
				{Func: agFunc(t, "array_agg", true, str), Args: []int{1}, Distinct: true, Filter: -1,
					OrderBy: []SortKey{{Col: 1, Desc: true, NullsFirst: false}}},
			},
			epochs: []aggEpoch{
				{in: []aggIn{agIns(r(agI(1), agS("a"), agI(1), agS(",")), r(agI(1), agS("b"), agI(3), agS("-")),
					r(agI(1), agS("c"), agN, agS(";")), r(agI(1), agN, agI(2), agS(",")), r(agI(1), agS("a"), agI(4), agS(",")))},
					want: []string{"+ 1|c,a-b,a|{1,2,3,4,NULL}|a,a-b;c|{c,b,a,NULL}"}},
				{reopen: true, in: []aggIn{agDel(r(agI(1), agS("b"), agI(3), agS("-")), r(agI(1), agS("a"), agI(1), agS(",")))},
					want: []string{"U- 1|c,a-b,a|{1,2,3,4,NULL}|a,a-b;c|{c,b,a,NULL}", "U+ 1|c,a|{2,4,NULL}|a;c|{c,a,NULL}"}},
				{in: []aggIn{agDel(r(agI(1), agS("c"), agN, agS(";")), r(agI(1), agS("a"), agI(4), agS(",")))},
					want: []string{"U- 1|c,a|{2,4,NULL}|a;c|{c,a,NULL}", "U+ 1|NULL|{2}|NULL|{NULL}"}},
			},
		},
		{
			name: "NULL group keys and values", inTypes: []types.Type{str, i64}, groupBy: []int{0},
			calls: []AggCall{count, call("count", 1, i64), call("sum", 1, i64), call("max", 1, i64)},
			epochs: []aggEpoch{
				{in: []aggIn{agIns(r(agN, agI(1)), r(agN, agI(2)), r(agS("x"), agN), r(agS(""), agI(3)))},
					want: []string{"+ NULL|2|2|3|2", "+ x|1|0|NULL|NULL", "+ |1|1|3|3"}},
				{in: []aggIn{agDel(r(agN, agI(2))), agIns(r(agS("x"), agI(-4)))},
					want: []string{"U- NULL|2|2|3|2", "U+ NULL|1|1|1|1", "U- x|1|0|NULL|NULL", "U+ x|2|1|-4|-4"}},
				{reopen: true, in: []aggIn{agDel(r(agN, agI(1)))}, want: []string{"- NULL|1|1|1|1"},
					view: []string{"x|2|1|-4|-4", "|1|1|3|3"}},
			},
		},
		{
			name: "avg, sum and variance results", inTypes: []types.Type{i64, i64, types.Float64}, groupBy: []int{0},
			calls: []AggCall{call("avg", 1, i64), call("avg", 2, types.Float64), call("sum", 1, i64),
				call("var_samp", 1, i64)},
			epochs: []aggEpoch{
				{in: []aggIn{agIns(r(agI(1), agI(1), agF(0.5)), r(agI(1), agI(2), agF(1)))},
					want: []string{"+ 1|1.5000000000000000|0.75|3|0.50000000000000000000"}},
				// PostgreSQL's numeric division keeps 16 significant digits: this average has no fraction.
				{in: []aggIn{agIns(r(agI(1), agI(9223372036854775807), agF(1)))},
					want: []string{"U- 1|1.5000000000000000|0.75|3|0.50000000000000000000",
						"U+ 1|3074457345618258603|0.8333333333333334|9223372036854775810|28356863910078205273242263891222724610"}},
			},
		},
		{
			name: "FILTER", inTypes: []types.Type{i64, i64, boo}, groupBy: []int{0},
			calls: []AggCall{count, {Func: agFunc(t, "sum", false, i64), Args: []int{1}, Filter: 2},
				{Func: agFunc(t, "count", false), Filter: 2}, {Func: agFunc(t, "max", false, i64), Args: []int{1}, Filter: 2}},
			epochs: []aggEpoch{
				{in: []aggIn{agIns(r(agI(1), agI(10), agB(true)), r(agI(1), agI(20), agB(false)), r(agI(1), agI(30), agN))},
					want: []string{"+ 1|3|10|1|10"}},
				{in: []aggIn{agUpd(r(agI(1), agI(20), agB(false)), r(agI(1), agI(20), agB(true)))},
					want: []string{"U- 1|3|10|1|10", "U+ 1|3|30|2|20"}},
				{in: []aggIn{agDel(r(agI(1), agI(20), agB(true)), r(agI(1), agI(10), agB(true)))},
					want: []string{"U- 1|3|30|2|20", "U+ 1|1|NULL|0|NULL"}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rig := newAggRig(t, 0, tc.inTypes, tc.groupBy, tc.calls)
			for e, ep := range tc.epochs {
				if ep.reopen {
					rig.reopen()
				}
				for _, in := range ep.in {
					rig.push(in.ops, in.rows)
				}
				got := rig.flush()
				if !slices.Equal(got, ep.want) {
					t.Fatalf("epoch %d: emitted\n  %q\nwant\n  %q", e+1, got, ep.want)
				}
				if ep.view != nil {
					want := slices.Clone(ep.view)
					slices.Sort(want)
					if v := rig.rows(); !slices.Equal(v, want) {
						t.Fatalf("epoch %d: view\n  %q\nwant\n  %q", e+1, v, want)
					}
				}
			}
		})
	}
}

func TestHashAggRejectsBadCalls(t *testing.T) {
	i64 := types.Int64
	env := &Env{}
	bad := map[string]struct {
		groupBy []int
		calls   []AggCall
	}{
		"group-by column out of range": {groupBy: []int{5}},
		"argument count":               {calls: []AggCall{{Func: agFunc(t, "sum", false, i64), Filter: -1}}},
		"filter not boolean":           {calls: []AggCall{{Func: agFunc(t, "count", false), Filter: 0}}},
		"no function":                  {calls: []AggCall{{Filter: -1}}},
	}
	for name, c := range bad {
		if _, err := NewHashAgg(env, 7, []types.Type{i64, i64}, c.groupBy, c.calls, Output{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestHashAggManyGroups changes more groups in one epoch than fit a chunk: output is split into
// chunks without splitting an update pair, and the pool shrinks back after the burst.
func TestHashAggManyGroups(t *testing.T) {
	i64 := types.Int64
	calls := []AggCall{{Func: agFunc(t, "count", false), Filter: -1}, {Func: agFunc(t, "max", false, i64), Args: []int{1}, Filter: -1}}
	rig := newAggRig(t, 1<<12, []types.Type{i64, i64}, []int{0}, calls)
	const n = 40_000
	var ops []types.Op
	var rows []types.Row
	for i := range n {
		ops, rows = append(ops, types.Insert), append(rows, agRow(agI(int64(i)), agI(int64(i))))
	}
	rig.push(ops, rows)
	if got := rig.flush(); len(got) != n {
		t.Fatalf("%d changes, want %d", len(got), n)
	}
	for i := range rows {
		rows[i] = agRow(agI(int64(i)), agI(-1))
	}
	rig.push(ops, rows)
	if got := rig.flush(); len(got) != 2*n {
		t.Fatalf("%d changes, want %d", len(got), 2*n)
	}
	rig.push(ops[:1], []types.Row{agRow(agI(7), agI(100))})
	if got := rig.flush(); !slices.Equal(got, []string{"U- 7|2|7", "U+ 7|3|100"}) {
		t.Fatalf("got %q", got)
	}
	if len(rig.h.groups) > 1 {
		t.Errorf("group pool kept %d slots after the burst", len(rig.h.groups))
	}
	if v := rig.rows(); len(v) != n || v[0] != "0|2|0" {
		t.Fatalf("view has %d rows, first %q", len(v), v[0])
	}
}
