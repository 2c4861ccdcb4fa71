package batch

import (
	"testing"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

func TestJoin(t *testing.T) {
	L := values(2, R(I(1), S("a")), R(I(2), S("b")), R(I(2), S("b2")), R(N, S("n")), R(I(4), S("d")))
	Rt := values(2, R(I(2), S("x")), R(I(2), S("y")), R(I(3), S("z")), R(N, S("rn")), R(I(1), S("w")))
	noNull := values(2, R(I(2), S("x")), R(I(3), S("z")))
	empty := values(2)
	rv := testCol{idx: 3, t: types.Varchar}
	rvGtX := gt(rv, cnst(S("x")))
	keyed := func(k planner.JoinKind, l, r planner.Node, cond expr.Expr) planner.Node {
		w := len(l.Columns()) + len(r.Columns())
		if k >= planner.LeftSemi {
			w = len(l.Columns())
		}
		return &planner.Join{Kind: k, L: l, R: r, LeftKeys: []expr.Expr{col(0)}, RightKeys: []expr.Expr{col(0)}, Cond: cond, Cols: columns(w)}
	}
	loop := func(k planner.JoinKind, l, r planner.Node, cond expr.Expr) planner.Node {
		j := keyed(k, l, r, cond).(*planner.Join)
		j.LeftKeys, j.RightKeys = nil, nil
		return j
	}
	inner := []string{"1|a|1|w", "2|b|2|x", "2|b|2|y", "2|b2|2|x", "2|b2|2|y"}
	with := func(a []string, b ...string) []string { return append(append([]string(nil), a...), b...) }
	tests := []struct {
		name string
		plan planner.Node
		want []string
	}{
		{"inner", keyed(planner.Inner, L, Rt, nil), inner},
		{"inner cond", keyed(planner.Inner, L, Rt, rvGtX), []string{"2|b|2|y", "2|b2|2|y"}},
		{"inner empty left", keyed(planner.Inner, empty, Rt, nil), nil},
		{"inner empty right", keyed(planner.Inner, L, empty, nil), nil},
		{"left", keyed(planner.LeftOuter, L, Rt, nil), with(inner, "NULL|n|NULL|NULL", "4|d|NULL|NULL")},
		{"left cond", keyed(planner.LeftOuter, L, Rt, rvGtX),
			[]string{"2|b|2|y", "2|b2|2|y", "1|a|NULL|NULL", "NULL|n|NULL|NULL", "4|d|NULL|NULL"}},
		{"left empty right", keyed(planner.LeftOuter, L, empty, nil),
			[]string{"1|a|NULL|NULL", "2|b|NULL|NULL", "2|b2|NULL|NULL", "NULL|n|NULL|NULL", "4|d|NULL|NULL"}},
		{"right", keyed(planner.RightOuter, L, Rt, nil), with(inner, "NULL|NULL|3|z", "NULL|NULL|NULL|rn")},
		{"right cond", keyed(planner.RightOuter, L, Rt, rvGtX),
			[]string{"2|b|2|y", "2|b2|2|y", "NULL|NULL|2|x", "NULL|NULL|3|z", "NULL|NULL|NULL|rn", "NULL|NULL|1|w"}},
		{"right empty left", keyed(planner.RightOuter, empty, noNull, nil), []string{"NULL|NULL|2|x", "NULL|NULL|3|z"}},
		{"full", keyed(planner.FullOuter, L, Rt, nil),
			with(inner, "NULL|n|NULL|NULL", "4|d|NULL|NULL", "NULL|NULL|3|z", "NULL|NULL|NULL|rn")},
		{"full cond", keyed(planner.FullOuter, L, Rt, rvGtX),
			[]string{"2|b|2|y", "2|b2|2|y", "1|a|NULL|NULL", "NULL|n|NULL|NULL", "4|d|NULL|NULL",
				"NULL|NULL|2|x", "NULL|NULL|3|z", "NULL|NULL|NULL|rn", "NULL|NULL|1|w"}},
		{"full both empty", keyed(planner.FullOuter, empty, empty, nil), nil},
		{"semi", keyed(planner.LeftSemi, L, Rt, nil), []string{"1|a", "2|b", "2|b2"}},
		{"semi cond", keyed(planner.LeftSemi, L, Rt, rvGtX), []string{"2|b", "2|b2"}},
		{"semi empty right", keyed(planner.LeftSemi, L, empty, nil), nil},
		{"anti", keyed(planner.LeftAnti, L, Rt, nil), []string{"NULL|n", "4|d"}},
		{"anti cond", keyed(planner.LeftAnti, L, Rt, rvGtX), []string{"1|a", "NULL|n", "4|d"}},
		{"anti empty right", keyed(planner.LeftAnti, L, empty, nil), []string{"1|a", "2|b", "2|b2", "NULL|n", "4|d"}},
		// NOT IN: a NULL among the subquery's values makes every non-matching row unknown.
		{"not in with null", keyed(planner.NullAwareAnti, L, Rt, nil), nil},
		{"not in", keyed(planner.NullAwareAnti, L, noNull, nil), []string{"1|a", "4|d"}},
		{"not in empty", keyed(planner.NullAwareAnti, L, empty, nil), []string{"1|a", "2|b", "2|b2", "NULL|n", "4|d"}},
		{"not in cond", keyed(planner.NullAwareAnti, L, Rt, rvGtX), []string{"1|a", "4|d"}},
		{"not in cond sees null", keyed(planner.NullAwareAnti, L, Rt, eq(rv, cnst(S("rn")))), nil},
		{"not in cond empty", keyed(planner.NullAwareAnti, L, Rt, eq(rv, cnst(S("none")))),
			[]string{"1|a", "2|b", "2|b2", "NULL|n", "4|d"}},

		{"cross", loop(planner.Inner, values(1, R(I(1)), R(N)), values(1, R(I(5)), R(I(6))), nil),
			[]string{"1|5", "1|6", "NULL|5", "NULL|6"}},
		{"loop inner", loop(planner.Inner, L, Rt, lt(col(0), col(2))),
			[]string{"1|a|2|x", "1|a|2|y", "1|a|3|z", "2|b|3|z", "2|b2|3|z"}},
		{"loop left", loop(planner.LeftOuter, L, Rt, gt(col(0), col(2))),
			[]string{"2|b|1|w", "2|b2|1|w", "4|d|2|x", "4|d|2|y", "4|d|3|z", "4|d|1|w", "1|a|NULL|NULL", "NULL|n|NULL|NULL"}},
		{"loop full", loop(planner.FullOuter, values(1, R(I(1)), R(I(9))), values(1, R(I(0)), R(I(5))), lt(col(0), col(1))),
			[]string{"1|5", "9|NULL", "NULL|0"}},
		{"loop semi", loop(planner.LeftSemi, L, Rt, gt(col(0), col(2))), []string{"2|b", "2|b2", "4|d"}},
		{"loop anti", loop(planner.LeftAnti, L, Rt, gt(col(0), col(2))), []string{"1|a", "NULL|n"}},
		{"loop cross empty", loop(planner.Inner, L, empty, nil), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			expectSet(t, run(t, tc.plan), tc.want...)
		})
	}
}

// Row-wise NOT IN: (a, b) NOT IN (...) is unknown only when no column pair is known to differ.
func TestNullAwareAntiMultiKey(t *testing.T) {
	L := values(2, R(N, I(1)), R(I(1), I(2)), R(I(3), I(3)), R(I(2), I(2)))
	join := func(r planner.Node) planner.Node {
		return &planner.Join{Kind: planner.NullAwareAnti, L: L, R: r,
			LeftKeys: []expr.Expr{col(0), col(1)}, RightKeys: []expr.Expr{col(0), col(1)}, Cols: columns(2)}
	}
	expectSet(t, run(t, join(values(2, R(I(2), I(2))))), "NULL|1", "1|2", "3|3")
	expectSet(t, run(t, join(values(2, R(N, I(2))))), "NULL|1", "3|3")
}

// Many-to-many keys produce more pairs than fit in a chunk; all must come out, in bounded chunks.
func TestJoinFanOut(t *testing.T) {
	l := &memOp{chunks: intChunks(100, func(i int) types.Datum { return I(int64(i % 2)) }, func(i int) types.Datum { return I(int64(i)) })}
	r := &memOp{chunks: intChunks(60, func(i int) types.Datum { return I(int64(i % 3)) })}
	for _, withCond := range []bool{false, true} {
		l.pos, r.pos = 0, 0
		n := &planner.Join{Kind: planner.FullOuter, L: values(2), R: values(1),
			LeftKeys: []expr.Expr{col(0)}, RightKeys: []expr.Expr{col(0)}, Cols: columns(3)}
		if withCond {
			n.Cond = cnst(types.NewBool(true))
		}
		op := newJoin(n, l, r, newEnv())
		total := 0
		for {
			c, err := op.Next(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if c == nil {
				break
			}
			if c.Len() > types.MaxChunkRows {
				t.Fatalf("chunk of %d rows", c.Len())
			}
			total += c.Len()
		}
		// keys 0 and 1 each: 50 left rows x 20 right rows; the 20 right rows of key 2 are unmatched.
		if want := 2*50*20 + 20; total != want {
			t.Fatalf("cond %v: %d rows, want %d", withCond, total, want)
		}
	}
}
