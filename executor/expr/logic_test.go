package expr

import (
	"testing"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

func TestThreeValuedLogic(t *testing.T) {
	vals := map[string]Expr{"t": bl(true), "f": bl(false), "n": NewConst(types.NullDatum, types.Bool)}
	and := map[string]string{"tt": "t", "tf": "f", "tn": "NULL", "ft": "f", "ff": "f", "fn": "f", "nt": "NULL", "nf": "f", "nn": "NULL"}
	or := map[string]string{"tt": "t", "tf": "t", "tn": "t", "ft": "t", "ff": "f", "fn": "NULL", "nt": "t", "nf": "NULL", "nn": "NULL"}
	var cases []exprCase
	for k, want := range and {
		cases = append(cases, exprCase{name: "and " + k, build: bin("AND", vals[k[:1]], vals[k[1:]]), want: want})
	}
	for k, want := range or {
		cases = append(cases, exprCase{name: "or " + k, build: bin("OR", vals[k[:1]], vals[k[1:]]), want: want})
	}
	cases = append(cases,
		exprCase{name: "not null", build: func() (Expr, error) { return NewUnary("NOT", vals["n"]) }, want: "NULL"},
		exprCase{name: "and int", build: bin("AND", i4(1), bl(true)), code: "42804", msg: "argument of AND must be type boolean, not type integer"},
		exprCase{name: "in hit", build: func() (Expr, error) { return NewIn(i4(2), []Expr{i4(1), i8(2)}, false) }, want: "t"},
		exprCase{name: "in null miss", build: func() (Expr, error) { return NewIn(i4(3), []Expr{i4(1), null()}, false) }, want: "NULL"},
		exprCase{name: "not in null miss", build: func() (Expr, error) { return NewIn(i4(3), []Expr{i4(1), null()}, true) }, want: "NULL"},
		exprCase{name: "not in hit", build: func() (Expr, error) { return NewIn(i4(1), []Expr{i4(1), null()}, true) }, want: "f"},
		exprCase{name: "in unknown", build: func() (Expr, error) { return NewIn(txt("b"), []Expr{lit("a"), lit("b")}, false) }, want: "t"},
		exprCase{name: "in numeric", build: func() (Expr, error) { return NewIn(i4(1), []Expr{num("1.0"), num("2.5")}, false) }, want: "t"},
		exprCase{name: "in mismatch", build: func() (Expr, error) { return NewIn(i4(1), []Expr{bl(true)}, false) }, code: "42883"},
		exprCase{name: "any", build: func() (Expr, error) { return NewAnyArray(txt("r"), "=", lit("{r,p}"), false) }, want: "t"},
		exprCase{name: "all", build: func() (Expr, error) {
			return NewAnyArray(i4(3), ">", must(NewArray([]Expr{i4(1), i4(2)})), true)
		}, want: "t"},
		exprCase{name: "any null", build: func() (Expr, error) {
			return NewAnyArray(i4(3), "=", must(NewArray([]Expr{i4(1), null()})), false)
		}, want: "NULL"},
		exprCase{name: "is true null", build: func() (Expr, error) { return NewIsBool(vals["n"], true, false, false) }, want: "f"},
		exprCase{name: "is not false null", build: func() (Expr, error) { return NewIsBool(vals["n"], false, false, true) }, want: "t"},
		exprCase{name: "is unknown", build: func() (Expr, error) { return NewIsBool(vals["n"], false, true, false) }, want: "t"},
		exprCase{name: "is null", build: func() (Expr, error) { return NewIsNull(null(), false), nil }, want: "t"},
		exprCase{name: "case", build: func() (Expr, error) {
			return NewCase(nil, [][2]Expr{{bl(false), i4(1)}, {bl(true), num("2.5")}}, nil)
		}, want: "2.5"},
		exprCase{name: "case operand", build: func() (Expr, error) {
			return NewCase(i4(2), [][2]Expr{{i4(1), lit("one")}, {i4(2), lit("two")}}, lit("many"))
		}, want: "two"},
		exprCase{name: "case mismatch", build: func() (Expr, error) {
			return NewCase(nil, [][2]Expr{{bl(true), i4(1)}}, bl(false))
		}, code: "42804", msg: "CASE types integer and boolean cannot be matched"},
		exprCase{name: "coalesce", build: fn("coalesce", null(), i4(2), i8(3)), want: "2"},
		exprCase{name: "coalesce lazy", build: fn("coalesce", i4(1), must(NewBinary("/", i4(1), i4(0)))), want: "1"},
		exprCase{name: "array", build: func() (Expr, error) { return NewArray([]Expr{i4(1), num("2.5"), null()}) }, want: "{1,2.5,NULL}"},
	)
	runCases(t, cases)
}

// TestShortCircuit checks that guarded rows never reach an operand that would fail on them.
func TestShortCircuit(t *testing.T) {
	x := NewColumn(0, types.Int32)
	col := []types.Datum{types.NewInt32(0), types.NewInt32(5), types.NullDatum, types.NewInt32(20)}
	c := types.ChunkOf(nil, [][]types.Datum{col}, len(col))
	ctx := testCtx()
	check := func(e Expr, want ...string) {
		t.Helper()
		out, err := e.Eval(ctx, c)
		if err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		for i, w := range want {
			if show(out[i]) != w {
				t.Fatalf("%s row %d: got %s want %s", e, i, show(out[i]), w)
			}
		}
	}
	// x <> 0 AND 10 / x > 1
	div := must(NewBinary(">", must(NewBinary("/", i4(10), x)), i4(1)))
	check(must(NewBinary("AND", must(NewBinary("<>", x, i4(0))), div)), "f", "t", "NULL", "f")
	// x = 0 OR 10 / x > 1
	check(must(NewBinary("OR", must(NewBinary("=", x, i4(0))), div)), "t", "t", "NULL", "f")
	// CASE WHEN x = 0 THEN 0 ELSE 10 / x END
	check(must(NewCase(nil, [][2]Expr{{must(NewBinary("=", x, i4(0))), i4(0)}}, must(NewBinary("/", i4(10), x)))), "0", "2", "NULL", "0")
	// COALESCE(NULLIF(x, 0), 1): the second argument only for NULL rows.
	check(must(NewFunc("coalesce", []Expr{must(NewCase(nil, [][2]Expr{{must(NewBinary("<>", x, i4(0))), x}}, nil)), must(NewBinary("/", i4(1), i4(1)))})), "1", "5", "1", "20")
	// Without the guard, the division fails.
	if _, err := must(NewBinary("/", i4(10), x)).Eval(ctx, c); pgerr.Code(err) != pgerr.DivisionByZero {
		t.Fatalf("want division by zero, got %v", err)
	}
}

func TestCommonType(t *testing.T) {
	cases := []struct {
		in   []types.Type
		want types.Type
		err  string
	}{
		{[]types.Type{types.Unknown, types.Unknown}, types.Varchar, ""},
		{[]types.Type{types.Int32, types.Int64}, types.Int64, ""},
		{[]types.Type{types.Int64, types.Int16}, types.Int64, ""},
		{[]types.Type{types.Int32, types.Numeric, types.Unknown}, types.Numeric, ""},
		{[]types.Type{types.Numeric, types.Float32}, types.Float32, ""},
		{[]types.Type{types.Float64, types.Numeric}, types.Float64, ""},
		{[]types.Type{types.Date, types.Timestamptz}, types.Timestamptz, ""},
		{[]types.Type{types.Timestamp, types.Date}, types.Timestamp, ""},
		{[]types.Type{types.Int32, types.Varchar}, 0, "types integer and character varying cannot be matched"},
		{[]types.Type{types.Bool, types.Int32}, 0, "types boolean and integer cannot be matched"},
	}
	for _, c := range cases {
		got, err := CommonType(c.in)
		if c.err != "" {
			if err == nil || err.Error() != c.err || pgerr.Code(err) != pgerr.DatatypeMismatch {
				t.Errorf("%v: got %v, %v; want %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%v: got %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if _, err := Coerce(bl(true), types.Int32); pgerr.Code(err) != pgerr.DatatypeMismatch {
		t.Errorf("Coerce bool->int: %v", err)
	}
	if e, err := Coerce(i8(5), types.Int32); err != nil || e.Type() != types.Int32 {
		t.Errorf("Coerce bigint->int: %v", err)
	}
	if e, err := Coerce(i8(5), types.Varchar); err != nil || e.Type() != types.Varchar {
		t.Errorf("Coerce bigint->varchar: %v", err)
	}
}
