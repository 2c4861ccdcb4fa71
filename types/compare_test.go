package types

import (
	"math"
	"testing"
)

func mustParse(t *testing.T, typ Type, s string) Datum {
	t.Helper()
	d, err := ParseText(typ, s, nil)
	if err != nil {
		t.Fatalf("ParseText(%v, %q): %v", typ, s, err)
	}
	return d
}

func TestCompareOrder(t *testing.T) {
	// Each row is ascending; NULL is last.
	rows := []struct {
		t    Type
		vals []string
	}{
		{Int64, []string{"-9223372036854775808", "-1", "0", "1", "9223372036854775807"}},
		{Float64, []string{"-Infinity", "-1.5", "0", "1e-300", "1", "Infinity", "NaN"}},
		{Numeric, []string{"-Infinity", "-100", "-1.5", "0", "0.001", "1.5", "100", "Infinity", "NaN"}},
		{Varchar, []string{"", "A", "a", "ab", "b", "é"}},
		{Date, []string{"-infinity", "4714-11-24 BC", "0001-01-01 BC", "1969-12-31", "1970-01-01", "2024-01-05", "infinity"}},
		{Timestamptz, []string{"-infinity", "1969-12-31 23:59:59.999999+00", "1970-01-01 00:00:00+00", "infinity"}},
		{Interval, []string{"-1 year", "-1 day", "00:00:00", "00:00:00.000001", "23:59:59", "1 day", "29 days 23:00:00", "1 mon 1 second", "1 year"}},
		{Bool, []string{"f", "t"}},
		{Bytea, []string{`\x`, `\x00`, `\x0001`, `\xff`}},
		// The order PostgreSQL 15 gives these values in ORDER BY.
		{Jsonb, []string{`[]`, `null`, `""`, `"a"`, `"b"`, `-1`, `1`, `1.5`, `false`, `true`, `[null]`, `["a"]`, `[3]`, `[[1]]`, `[1, 2]`, `{}`, `{"a": 2}`, `{"aa": 1}`, `{"b": 1}`, `{"a": 1, "b": 1}`}},
		{ArrayOf(Int32), []string{"{}", "{1}", "{1,2}", "{1,NULL}", "{2}", "{NULL}"}},
	}
	for _, r := range rows {
		ds := []Datum{}
		for _, v := range r.vals {
			ds = append(ds, mustParse(t, r.t, v))
		}
		ds = append(ds, NullDatum)
		for i := range ds {
			for j := range ds {
				want := cmpInt(int64(i), int64(j))
				if got := Compare(ds[i], ds[j]); got != want {
					t.Errorf("%v: Compare(%s, %s) = %d, want %d", r.t, ds[i], ds[j], got, want)
				}
				if (Hash(ds[i], 7) == Hash(ds[j], 7)) != (i == j) {
					t.Errorf("%v: hash equality of %s and %s", r.t, ds[i], ds[j])
				}
			}
		}
	}
}

func TestEqualAcrossRepresentations(t *testing.T) {
	pairs := [][2]Datum{
		{NewInt(Int16, 5), NewInt64(5)},
		{NewInt32(-7), NewInt64(-7)},
		{NewFloat64(0), NewFloat64(math.Copysign(0, -1))},
		{NewFloat64(math.NaN()), NewFloat64(-math.NaN())},
		{mustParse(t, Numeric, "1.50"), mustParse(t, Numeric, "1.5")},
		{mustParse(t, Numeric, "100"), mustParse(t, Numeric, "1e2")},
		{mustParse(t, Numeric, "0.00"), mustParse(t, Numeric, "0")},
		{mustParse(t, Numeric, "123456789012345678901234567890.000"), mustParse(t, Numeric, "123456789012345678901234567890")},
		{mustParse(t, Interval, "1 mon"), mustParse(t, Interval, "30 days")},
		{mustParse(t, Interval, "1 day"), mustParse(t, Interval, "24 hours")},
		{mustParse(t, Jsonb, `{"a": 1.0}`), mustParse(t, Jsonb, `{"a": 1}`)},
		{NewString(Name, "x"), NewVarchar("x")},
		{NullDatum, NullDatum},
	}
	for _, p := range pairs {
		if !Equal(p[0], p[1]) {
			t.Errorf("Equal(%s, %s) = false", p[0], p[1])
		}
		if Hash(p[0], 1) != Hash(p[1], 1) {
			t.Errorf("Hash(%s) != Hash(%s)", p[0], p[1])
		}
	}
	if Compare(NewInt64(2), NewFloat64(1.5)) <= 0 || Compare(mustParse(t, Numeric, "1.5"), NewInt32(2)) >= 0 {
		t.Error("cross-family numeric comparison")
	}
	if Compare(NewDate(1), NewTimestamp(MicrosPerDay)) != 0 {
		t.Error("date vs timestamp")
	}
}

func TestHashNoAlloc(t *testing.T) {
	ds := []Datum{NewInt64(1), NewVarchar("hello world, a long string"), NewFloat64(1.5), mustParse(t, Numeric, "12.50"),
		mustParse(t, Interval, "1 day"), mustParse(t, Jsonb, `{"a": [1.0, "x"]}`)}
	for _, d := range ds {
		if n := testing.AllocsPerRun(100, func() { Hash(d, 0) }); n != 0 {
			t.Errorf("Hash(%s) allocates %v", d, n)
		}
	}
}

func TestJsonbNavigation(t *testing.T) {
	obj := mustParse(t, Jsonb, `{"a":[1,{"b":2}],"s":"x\ny","n":null,"long key":true}`)
	if v, ok := JsonbField(obj, "a"); !ok || v.Str() != `[1, {"b": 2}]` {
		t.Errorf("-> a: %s %v", v, ok)
	}
	if v, ok := JsonbField(obj, "s"); !ok || v.Str() != `"x\ny"` {
		t.Errorf("-> s: %s", v)
	}
	if s, ok := JsonbText(mustField(obj, "s")); !ok || s != "x\ny" {
		t.Errorf("->> s: %q", s)
	}
	if _, ok := JsonbText(mustField(obj, "n")); ok {
		t.Error("->> null should be SQL NULL")
	}
	if _, ok := JsonbField(obj, "zz"); ok {
		t.Error("missing key found")
	}
	if v, ok := JsonbField(obj, "long key"); !ok || v.Str() != "true" {
		t.Errorf("-> long key: %s", v)
	}
	if v, ok := JsonbPath(obj, []string{"a", "1", "b"}); !ok || v.Str() != "2" {
		t.Errorf("#> {a,1,b}: %s", v)
	}
	arr := mustParse(t, Jsonb, `[1,2,3]`)
	if v, ok := JsonbIndex(arr, -1); !ok || v.Str() != "3" {
		t.Errorf("-> -1: %s", v)
	}
	if _, ok := JsonbIndex(arr, 3); ok {
		t.Error("-> 3 out of range")
	}
	if _, ok := JsonbIndex(arr, -4); ok {
		t.Error("-> -4 out of range")
	}
	for in, want := range map[string]string{`1.5`: "number", `{}`: "object", `[]`: "array", `"x"`: "string", `null`: "null", `false`: "boolean"} {
		if got := JsonbTypeof(mustParse(t, Jsonb, in)); got != want {
			t.Errorf("typeof %s = %s", in, got)
		}
	}
	// From PostgreSQL 15: t t t f f
	contains := []struct {
		a, b string
		want bool
	}{
		{`[1,2,[3,4]]`, `[[3]]`, true}, {`[1,2]`, `1`, true}, {`{"a":{"b":1,"c":2}}`, `{"a":{"b":1}}`, true},
		{`1`, `[1]`, false}, {`[1,[2]]`, `[2]`, false}, {`{"a":1}`, `{}`, true}, {`[1,2]`, `[2,1,1]`, true},
	}
	for _, c := range contains {
		if got := JsonbContains(mustParse(t, Jsonb, c.a), mustParse(t, Jsonb, c.b)); got != c.want {
			t.Errorf("%s @> %s = %v", c.a, c.b, got)
		}
	}
	if n := testing.AllocsPerRun(100, func() { JsonbField(obj, "long key") }); n != 0 {
		t.Errorf("JsonbField allocates %v", n)
	}
}

func mustField(d Datum, k string) Datum {
	v, _ := JsonbField(d, k)
	return v
}
