package batch

import (
	"errors"
	"testing"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

func TestOperators(t *testing.T) {
	abc := values(2, R(I(3), S("c")), R(I(1), S("a")), R(N, S("n")), R(I(2), S("b")), R(I(1), S("a2")))
	empty := values(2)
	tests := []struct {
		name    string
		plan    planner.Node
		want    []string
		ordered bool
	}{
		{"values", abc, []string{"3|c", "1|a", "NULL|n", "2|b", "1|a2"}, true},
		{"values no columns", &planner.Values{Rows: [][]expr.Expr{{}}}, []string{""}, true},
		{"values empty", empty, nil, true},

		{"filter", &planner.Filter{Input: abc, Cond: gt(col(0), cnst(I(1)))}, []string{"3|c", "2|b"}, true},
		{"filter null is false", &planner.Filter{Input: abc, Cond: cnst(N)}, nil, true},
		{"filter all", &planner.Filter{Input: abc, Cond: cnst(types.NewBool(true))}, []string{"3|c", "1|a", "NULL|n", "2|b", "1|a2"}, true},
		{"filter empty", &planner.Filter{Input: empty, Cond: cnst(types.NewBool(true))}, nil, true},

		{"project", &planner.Project{Input: abc, Exprs: []expr.Expr{col(1), add(col(0), cnst(I(10)))}, Cols: columns(2)},
			[]string{"c|13", "a|11", "n|NULL", "b|12", "a2|11"}, true},
		{"project no columns", &planner.Project{Input: abc, Cols: columns(0)}, []string{"", "", "", "", ""}, true},

		{"limit", &planner.Limit{Input: abc, Count: 2}, []string{"3|c", "1|a"}, true},
		{"limit offset", &planner.Limit{Input: abc, Count: 2, Offset: 3}, []string{"2|b", "1|a2"}, true},
		{"limit offset past end", &planner.Limit{Input: abc, Count: 2, Offset: 10}, nil, true},
		{"limit none", &planner.Limit{Input: abc, Count: -1, Offset: 4}, []string{"1|a2"}, true},
		{"limit zero", &planner.Limit{Input: abc, Count: 0}, nil, true},

		{"sort asc nulls last", &planner.Sort{Input: abc, Keys: []planner.SortKey{{Col: 0}}},
			[]string{"1|a", "1|a2", "2|b", "3|c", "NULL|n"}, true},
		{"sort desc nulls first", &planner.Sort{Input: abc, Keys: []planner.SortKey{{Col: 0, Desc: true, NullsFirst: true}}},
			[]string{"NULL|n", "3|c", "2|b", "1|a", "1|a2"}, true},
		{"sort desc nulls last", &planner.Sort{Input: abc, Keys: []planner.SortKey{{Col: 0, Desc: true}}},
			[]string{"3|c", "2|b", "1|a", "1|a2", "NULL|n"}, true},
		{"sort asc nulls first", &planner.Sort{Input: abc, Keys: []planner.SortKey{{Col: 0, NullsFirst: true}}},
			[]string{"NULL|n", "1|a", "1|a2", "2|b", "3|c"}, true},
		{"sort two keys", &planner.Sort{Input: abc, Keys: []planner.SortKey{{Col: 0}, {Col: 1, Desc: true}}},
			[]string{"1|a2", "1|a", "2|b", "3|c", "NULL|n"}, true},
		{"sort empty", &planner.Sort{Input: empty, Keys: []planner.SortKey{{Col: 0}}}, nil, true},

		{"distinct", &planner.Distinct{Input: values(2, R(I(1), N), R(I(1), N), R(N, N), R(I(1), I(2)), R(N, N))},
			[]string{"1|NULL", "NULL|NULL", "1|2"}, true},
		{"distinct on keeps first", &planner.Distinct{Input: abc, On: []int{0}},
			[]string{"3|c", "1|a", "NULL|n", "2|b"}, true},
		{"distinct empty", &planner.Distinct{Input: empty}, nil, true},

		{"single row", &planner.EnforceSingleRow{Input: values(2, R(I(7), S("x")))}, []string{"7|x"}, true},
		{"single row of empty is null", &planner.EnforceSingleRow{Input: empty}, []string{"NULL|NULL"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, tc.plan)
			if tc.ordered {
				expectRows(t, got, tc.want...)
			} else {
				expectSet(t, got, tc.want...)
			}
		})
	}
}

func TestEnforceSingleRowTooMany(t *testing.T) {
	_, err := runErr(&planner.EnforceSingleRow{Input: values(1, R(I(1)), R(I(2)))})
	if pgerr.Code(err) != pgerr.CardinalityViolation || err.Error() != "more than one row returned by a subquery used as an expression" {
		t.Fatalf("err = %v (%s)", err, pgerr.Code(err))
	}
}

func TestExpressionErrorKeepsCode(t *testing.T) {
	boom := pgerr.New(pgerr.DivisionByZero, "division by zero")
	plans := map[string]planner.Node{
		"filter":  &planner.Filter{Input: seq(0, 3), Cond: failing(boom)},
		"project": &planner.Project{Input: seq(0, 3), Exprs: []expr.Expr{failing(boom)}, Cols: columns(1)},
		"values":  &planner.Values{Rows: [][]expr.Expr{{failing(boom)}}, Cols: columns(1)},
		"join": &planner.Join{Kind: planner.Inner, L: seq(0, 3), R: seq(0, 3),
			LeftKeys: []expr.Expr{col(0)}, RightKeys: []expr.Expr{col(0)}, Cond: failing(boom), Cols: columns(2)},
	}
	for name, p := range plans {
		t.Run(name, func(t *testing.T) {
			_, err := runErr(p)
			if !errors.Is(err, boom) || pgerr.Code(err) != pgerr.DivisionByZero {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// Chunks must never exceed MaxChunkRows, and a filter packs sparse results.
func TestChunkSizes(t *testing.T) {
	const n = 5000
	src := seq(0, n)
	plans := map[string]planner.Node{
		"values":     src,
		"filter":     &planner.Filter{Input: src, Cond: lt(col(0), cnst(I(4000)))},
		"sort":       &planner.Sort{Input: src, Keys: []planner.SortKey{{Col: 0, Desc: true}}},
		"cross join": &planner.Join{Kind: planner.Inner, L: seq(0, 70), R: seq(0, 70), Cols: columns(2)},
		"union all":  &planner.SetOp{Kind: planner.UnionOp, All: true, Inputs: []planner.Node{src, src}, Cols: columns(1)},
	}
	for name, p := range plans {
		t.Run(name, func(t *testing.T) {
			op, err := Build(p, newEnv())
			if err != nil {
				t.Fatal(err)
			}
			defer op.Close()
			total, small := 0, 0
			for {
				c, err := op.Next(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if c == nil {
					break
				}
				if c.Len() > types.MaxChunkRows || c.Ops != nil {
					t.Fatalf("chunk of %d rows, ops %v", c.Len(), c.Ops != nil)
				}
				if c.Len() < types.MaxChunkRows/2 {
					small++
				}
				total += c.Len()
			}
			if small > 2 {
				t.Errorf("%d small chunks", small)
			}
			t.Logf("%d rows", total)
		})
	}
}

func TestLimitStopsPulling(t *testing.T) {
	src := &memOp{chunks: intChunks(100*types.MaxChunkRows, func(i int) types.Datum { return I(int64(i)) })}
	op := newLimit(&planner.Limit{Count: 1500}, src)
	rows, err := Collect(t.Context(), op)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1500 || src.pulled != 2 || !src.closed {
		t.Fatalf("%d rows, pulled %d chunks, closed %v", len(rows), src.pulled, src.closed)
	}
}

func TestSetOps(t *testing.T) {
	a := values(1, R(I(1)), R(I(1)), R(I(1)), R(I(2)), R(N), R(N), R(I(3)))
	b := values(1, R(I(1)), R(I(2)), R(I(2)), R(N), R(I(4)))
	c := values(1, R(I(1)), R(N), R(N))
	e := values(1)
	op := func(k planner.SetOpKind, all bool, ins ...planner.Node) planner.Node {
		return &planner.SetOp{Kind: k, All: all, Inputs: ins, Cols: columns(1)}
	}
	tests := []struct {
		name string
		plan planner.Node
		want []string
	}{
		{"union all", op(planner.UnionOp, true, a, b), []string{"1", "1", "1", "2", "NULL", "NULL", "3", "1", "2", "2", "NULL", "4"}},
		{"union", op(planner.UnionOp, false, a, b), []string{"1", "2", "NULL", "3", "4"}},
		{"union three", op(planner.UnionOp, false, a, b, c), []string{"1", "2", "NULL", "3", "4"}},
		{"union with empty", op(planner.UnionOp, false, e, e), nil},
		{"intersect", op(planner.IntersectOp, false, a, b), []string{"1", "2", "NULL"}},
		{"intersect all", op(planner.IntersectOp, true, a, b), []string{"1", "2", "NULL"}},
		{"intersect all three", op(planner.IntersectOp, true, a, c, a), []string{"1", "NULL", "NULL"}},
		{"intersect empty", op(planner.IntersectOp, true, a, e), nil},
		{"except", op(planner.ExceptOp, false, a, b), []string{"3"}},
		{"except all", op(planner.ExceptOp, true, a, b), []string{"1", "1", "NULL", "3"}},
		{"except all reversed", op(planner.ExceptOp, true, b, a), []string{"2", "4"}},
		{"except empty right", op(planner.ExceptOp, false, a, e), []string{"1", "2", "NULL", "3"}},
		{"except empty left", op(planner.ExceptOp, true, e, a), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			expectSet(t, run(t, tc.plan), tc.want...)
		})
	}
}

func TestBuildErrors(t *testing.T) {
	_, err := Build(&planner.Join{Kind: planner.Inner, L: seq(0, 1), R: seq(0, 1), LeftKeys: []expr.Expr{col(0)}, Cols: columns(2)}, newEnv())
	if err == nil {
		t.Fatal("mismatched join keys built")
	}
	_, err = Build(&planner.Scan{Cols: columns(1)}, newEnv())
	if err == nil {
		t.Fatal("scan without relation built")
	}
}
