package batch

import (
	"testing"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

func aggFn(t testing.TB, name string, distinct bool, args ...types.Type) *expr.AggFunc {
	t.Helper()
	f, err := expr.LookupAgg(name, args, distinct)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAgg(t *testing.T) {
	in := values(3,
		R(I(1), I(10), S("a")), R(I(1), I(20), S("b")), R(I(2), N, S("c")), R(N, I(5), S("d")),
		R(I(1), I(10), S("e")), R(N, I(7), N), R(I(2), I(3), S("f")))
	empty := values(3)
	x, s := col(1), testCol{idx: 2, t: types.Varchar}
	countStar := planner.AggCall{Func: aggFn(t, "count", false)}
	count := planner.AggCall{Func: aggFn(t, "count", false, types.Int64), Args: []expr.Expr{x}}
	sum := planner.AggCall{Func: aggFn(t, "sum", false, types.Int64), Args: []expr.Expr{x}}
	minX := planner.AggCall{Func: aggFn(t, "min", false, types.Int64), Args: []expr.Expr{x}}
	maxX := planner.AggCall{Func: aggFn(t, "max", false, types.Int64), Args: []expr.Expr{x}}
	countDistinct := planner.AggCall{Func: aggFn(t, "count", true, types.Int64), Args: []expr.Expr{x}, Distinct: true}
	sumFiltered := planner.AggCall{Func: aggFn(t, "sum", false, types.Int64), Args: []expr.Expr{x}, Filter: gt(x, cnst(I(5)))}
	strAgg := func(distinct bool, order ...planner.SortKey) planner.AggCall {
		return planner.AggCall{Func: aggFn(t, "string_agg", distinct, types.Varchar, types.Varchar),
			Args: []expr.Expr{s, cnst(S(","))}, Distinct: distinct, OrderBy: order}
	}
	agg := func(in planner.Node, groupBy []expr.Expr, calls ...planner.AggCall) planner.Node {
		return &planner.Agg{Input: in, GroupBy: groupBy, Aggs: calls, Cols: columns(len(groupBy) + len(calls))}
	}
	byG := []expr.Expr{col(0)}
	tests := []struct {
		name string
		plan planner.Node
		want []string
	}{
		{"group by with nulls", agg(in, byG, countStar, count, sum, minX, maxX),
			[]string{"1|3|3|40|10|20", "2|2|1|3|3|3", "NULL|2|2|12|5|7"}},
		{"no group by", agg(in, nil, countStar, count, sum), []string{"7|6|55"}},
		{"no group by empty input", agg(empty, nil, countStar, count, sum, minX), []string{"0|0|NULL|NULL"}},
		{"group by empty input", agg(empty, byG, countStar), nil},
		{"group by only", agg(in, byG), []string{"1", "2", "NULL"}},
		{"group by expression", agg(in, []expr.Expr{add(col(0), cnst(I(1)))}, countStar), []string{"2|3", "3|2", "NULL|2"}},
		{"two keys", agg(in, []expr.Expr{col(0), col(1)}, countStar),
			[]string{"1|10|2", "1|20|1", "2|NULL|1", "NULL|5|1", "NULL|7|1", "2|3|1"}},
		{"distinct", agg(in, byG, countDistinct, count), []string{"1|2|3", "2|1|1", "NULL|2|2"}},
		{"distinct no group by", agg(in, nil, countDistinct), []string{"5"}},
		{"filter", agg(in, byG, sumFiltered, countStar), []string{"1|40|3", "2|NULL|2", "NULL|7|2"}},
		{"order by desc nulls first", agg(in, byG, strAgg(false, planner.SortKey{Expr: x, Desc: true, NullsFirst: true})),
			[]string{"1|b,a,e", "2|c,f", "NULL|d"}},
		{"order by asc", agg(in, nil, strAgg(false, planner.SortKey{Expr: x})), []string{"f,d,a,e,b,c"}},
		{"distinct order by", agg(values(3, R(N, N, S("b")), R(N, N, S("a")), R(N, N, S("b")), R(N, N, N)), nil,
			strAgg(true, planner.SortKey{Expr: s, Desc: true})), []string{"b,a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			expectRows(t, run(t, tc.plan), tc.want...)
		})
	}
}

func TestAggManyGroups(t *testing.T) {
	const n, groups = 20000, 3000
	src := &memOp{chunks: intChunks(n, func(i int) types.Datum { return I(int64(i % groups)) }, func(i int) types.Datum { return I(1) })}
	node := &planner.Agg{GroupBy: []expr.Expr{col(0)},
		Aggs: []planner.AggCall{{Func: aggFn(t, "sum", false, types.Int64), Args: []expr.Expr{col(1)}}}, Cols: columns(2)}
	op, err := newAgg(node, src, newEnv())
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Collect(t.Context(), op)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != groups {
		t.Fatalf("%d groups", len(rows))
	}
	for i, r := range rows {
		want := int64(n / groups)
		if i < n%groups {
			want++
		}
		if r[0].Int() != int64(i) || fmtDatum(r[1]) != fmtDatum(types.NewInt64(want)) {
			t.Fatalf("group %d: %v", i, fmtRows(rows[i:i+1]))
		}
	}
}
