package batch

import (
	"testing"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/planner"
)

func TestApply(t *testing.T) {
	outer := values(2, R(S("a"), I(1)), R(S("b"), I(2)), R(S("n"), N), R(S("c"), I(3)))
	inner := values(1, R(I(1)), R(I(1)), R(I(2)), R(I(5)))
	// SELECT ... WHERE x = $1, with $1 bound to the outer row's second column.
	sub := &planner.Filter{Input: inner, Cond: eq(col(0), &testParam{n: 1})}
	apply := func(k planner.JoinKind, sub planner.Node) planner.Node {
		w := 3
		if k >= planner.LeftSemi {
			w = 2
		}
		return &planner.Apply{Kind: k, Outer: outer, Sub: sub, OuterCols: []int{1}, Params: []int{1}, Cols: columns(w)}
	}
	tests := []struct {
		name string
		plan planner.Node
		want []string
	}{
		{"inner", apply(planner.Inner, sub), []string{"a|1|1", "a|1|1", "b|2|2"}},
		{"left", apply(planner.LeftOuter, sub), []string{"a|1|1", "a|1|1", "b|2|2", "n|NULL|NULL", "c|3|NULL"}},
		{"semi", apply(planner.LeftSemi, sub), []string{"a|1", "b|2"}},
		{"anti", apply(planner.LeftAnti, sub), []string{"n|NULL", "c|3"}},
		// A scalar subquery: (SELECT x FROM inner WHERE x > $1 + 2).
		{"scalar", apply(planner.LeftOuter, &planner.EnforceSingleRow{Input: &planner.Filter{Input: inner,
			Cond: gt(col(0), add(&testParam{n: 1}, cnst(I(2))))}}),
			[]string{"a|1|5", "b|2|5", "n|NULL|NULL", "c|3|NULL"}},
		{"inner empty outer", &planner.Apply{Kind: planner.Inner, Outer: values(2), Sub: sub, OuterCols: []int{1}, Params: []int{1}, Cols: columns(3)}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			expectSet(t, run(t, tc.plan), tc.want...)
		})
	}
}

func TestApplyScalarSubqueryTooManyRows(t *testing.T) {
	outer := values(1, R(I(1)))
	sub := &planner.EnforceSingleRow{Input: &planner.Filter{Input: values(1, R(I(5)), R(I(6))), Cond: gt(col(0), &testParam{n: 1})}}
	_, err := runErr(&planner.Apply{Kind: planner.LeftOuter, Outer: outer, Sub: sub, OuterCols: []int{0}, Params: []int{1}, Cols: columns(2)})
	if pgerr.Code(err) != pgerr.CardinalityViolation {
		t.Fatalf("err = %v", err)
	}
}

// Nested correlated subqueries bind different slots, and slots beyond the statement's own $n grow
// the parameter list.
func TestApplyNested(t *testing.T) {
	outer := values(1, R(I(1)), R(I(2)))
	// For each outer a: rows b of inner where b >= a, and for each b: EXISTS (c = a + b).
	cs := values(1, R(I(2)), R(I(3)), R(I(5)))
	innermost := &planner.Filter{Input: cs, Cond: eq(col(0), add(&testParam{n: 2}, &testParam{n: 3}))}
	mid := &planner.Apply{Kind: planner.LeftSemi,
		Outer:     &planner.Filter{Input: values(1, R(I(1)), R(I(2)), R(I(3))), Cond: gt(add(col(0), cnst(I(1))), &testParam{n: 2})},
		Sub:       innermost,
		OuterCols: []int{0}, Params: []int{3}, Cols: columns(1)}
	top := &planner.Apply{Kind: planner.Inner, Outer: outer, Sub: mid, OuterCols: []int{0}, Params: []int{2}, Cols: columns(2)}
	env := newEnv()
	env.Ctx.Params = nil
	op, err := Build(top, env)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Collect(t.Context(), op)
	if err != nil {
		t.Fatal(err)
	}
	// a=1: b in {1,2,3}, a+b in {2,3,4}: b=1,2. a=2: b in {2,3}, a+b in {4,5}: b=3.
	expectSet(t, rows, "1|1", "1|2", "2|3")
}
