package expr

import (
	"testing"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

func ints(t types.Type, vs ...int64) [][]types.Datum {
	out := make([][]types.Datum, len(vs))
	for i, v := range vs {
		out[i] = []types.Datum{types.NewInt(t, v)}
	}
	return out
}

func aggRun(t *testing.T, name string, args []types.Type, rows [][]types.Datum) string {
	t.Helper()
	f, err := LookupAgg(name, args, false)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	s := f.NewState()
	for _, r := range rows {
		if err := s.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	// The persisted form must give the same result.
	s2 := f.NewState()
	if err := s2.Decode(s.Encode(nil)); err != nil {
		t.Fatalf("%s decode: %v", name, err)
	}
	got := show(s.Result())
	if got2 := show(s2.Result()); got2 != got {
		t.Fatalf("%s: decoded state gives %s, original %s", name, got2, got)
	}
	if s.Result().Type() != f.Ret && !s.Result().IsNull() {
		t.Fatalf("%s: result type %s, declared %s", name, s.Result().Type(), f.Ret)
	}
	return got
}

func TestAggregates(t *testing.T) {
	i4s := []types.Type{types.Int32}
	n1234 := ints(types.Int32, 1, 2, 3, 4)
	withNull := append(ints(types.Int32, 1, 2), []types.Datum{types.NullDatum})
	fl := func(vs ...float64) [][]types.Datum {
		out := make([][]types.Datum, len(vs))
		for i, v := range vs {
			out[i] = []types.Datum{types.NewFloat64(v)}
		}
		return out
	}
	str := func(vs ...string) [][]types.Datum {
		out := make([][]types.Datum, len(vs))
		for i, v := range vs {
			d := types.NewVarchar(v)
			if v == "NULL" {
				d = types.NullDatum
			}
			out[i] = []types.Datum{d, types.NewVarchar(",")}
		}
		return out
	}
	cases := []struct {
		name string
		args []types.Type
		rows [][]types.Datum
		want string
	}{
		{"count", nil, withNull, "3"},
		{"count", i4s, withNull, "2"},
		{"count", i4s, nil, "0"},
		{"sum", i4s, nil, "NULL"},
		{"sum", i4s, n1234, "10"},
		{"sum", i4s, withNull, "3"},
		{"sum", []types.Type{types.Int64}, ints(types.Int64, 9223372036854775807, 1), "9223372036854775808"},
		{"avg", i4s, n1234, "2.5000000000000000"},
		{"avg", i4s, ints(types.Int32, 1, 2), "1.5000000000000000"},
		{"avg", []types.Type{types.Float64}, fl(1, 2, 3, 4), "2.5"},
		{"variance", i4s, n1234, "1.6666666666666667"},
		{"stddev", i4s, n1234, "1.2909944487358056"},
		{"var_pop", i4s, n1234, "1.2500000000000000"},
		{"stddev_pop", i4s, n1234, "1.1180339887498948"},
		{"stddev", []types.Type{types.Float64}, fl(1, 2, 3, 4), "1.2909944487358056"},
		{"stddev", i4s, ints(types.Int32, 1), "NULL"},
		{"min", i4s, append(withNull, ints(types.Int32, -5)...), "-5"},
		{"max", []types.Type{types.Varchar}, str("b", "c", "a"), "c"},
		{"max", i4s, nil, "NULL"},
		{"bool_and", []types.Type{types.Bool}, [][]types.Datum{{types.NewBool(true)}, {types.NullDatum}, {types.NewBool(false)}}, "f"},
		{"bool_or", []types.Type{types.Bool}, [][]types.Datum{{types.NewBool(false)}, {types.NewBool(true)}}, "t"},
		{"string_agg", []types.Type{types.Varchar, types.Varchar}, str("a", "NULL", "b"), "a,b"},
		{"array_agg", i4s, withNull, "{1,2,NULL}"},
	}
	for _, c := range cases {
		if got := aggRun(t, c.name, c.args, c.rows); got != c.want {
			t.Errorf("%s(%v) = %s, want %s", c.name, c.args, got, c.want)
		}
	}
}

func TestAggRetract(t *testing.T) {
	for _, name := range []string{"count", "sum", "avg", "bool_and", "stddev"} {
		arg := types.Int32
		if name == "bool_and" {
			arg = types.Bool
		}
		f, err := LookupAgg(name, []types.Type{arg}, false)
		if err != nil || !f.Retractable() {
			t.Fatalf("%s: %v retractable=%v", name, err, f != nil && f.Retractable())
		}
		mk := func(v int64) []types.Datum {
			if arg == types.Bool {
				return []types.Datum{types.NewBool(v%2 == 0)}
			}
			return []types.Datum{types.NewInt32(int32(v))}
		}
		a, b := f.NewState(), f.NewState()
		for v := range int64(10) {
			a.Add(mk(v))
		}
		for v := range int64(10) {
			if v%3 == 0 {
				a.Retract(mk(v))
			} else {
				b.Add(mk(v))
			}
		}
		if show(a.Result()) != show(b.Result()) {
			t.Errorf("%s: after retraction %s, recomputed %s", name, show(a.Result()), show(b.Result()))
		}
	}
	f, _ := LookupAgg("max", []types.Type{types.Int32}, false)
	if f.Retractable() {
		t.Error("max must not claim retractability")
	}
	if _, err := LookupAgg("sum", []types.Type{types.Bool}, false); pgerr.Code(err) != pgerr.UndefinedFunction || err.Error() != "function sum(boolean) does not exist" {
		t.Errorf("sum(bool): %v", err)
	}
	if _, err := LookupAgg("nope", nil, false); pgerr.Code(err) != pgerr.UndefinedFunction {
		t.Errorf("nope(): %v", err)
	}
}
