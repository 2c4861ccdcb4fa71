package pgwire

import (
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/runnel-db/runnel/types"
)

// TestPgxRoundTrip sends every type as a binary parameter through pgx and reads it back as a binary
// result (pgx picks binary for both whenever it knows the OID), and again in text.
func TestPgxRoundTrip(t *testing.T) {
	ts := startServer(t, Config{})
	conn := ts.connect(t, "")
	ctx := testCtx(t)
	i8 := func(v int64) *int64 { return &v }
	tests := []struct {
		typ  string
		in   any
		out  any // pointer to a zero value of the type to scan into
		want any // defaults to in
	}{
		{"boolean", true, new(bool), nil},
		{"int2", int16(-7), new(int16), nil},
		{"int4", int32(123456), new(int32), nil},
		{"int8", int64(-1 << 40), new(int64), nil},
		{"float4", float32(1.5), new(float32), nil},
		{"float8", 3.25, new(float64), nil},
		{"numeric", pgtype.Numeric{Int: big.NewInt(-12345), Exp: -3, Valid: true}, new(pgtype.Numeric), nil},
		{"numeric", pgtype.Numeric{Int: big.NewInt(123456789), Exp: 20, Valid: true}, new(pgtype.Numeric), nil},
		{"numeric", pgtype.Numeric{NaN: true, Valid: true}, new(pgtype.Numeric), nil},
		{"varchar", "héllo, world", new(string), nil},
		{"text", "", new(string), nil},
		{"name", "pg_class", new(string), nil},
		{"bytea", []byte{0, 1, 2, 255}, new([]byte), nil},
		{"date", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), new(time.Time), nil},
		{"date", time.Date(1960, 5, 1, 0, 0, 0, 0, time.UTC), new(time.Time), nil},
		{"time", pgtype.Time{Microseconds: 3723000001, Valid: true}, new(pgtype.Time), nil},
		{"timestamp", time.Date(2024, 1, 1, 0, 0, 5, 123456000, time.UTC), new(time.Time), nil},
		{"timestamptz", time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), new(time.Time), nil},
		{"interval", pgtype.Interval{Microseconds: 1, Days: -2, Months: 14, Valid: true}, new(pgtype.Interval), nil},
		{"jsonb", map[string]any{"a": float64(1), "b": []any{"x", nil}}, new(map[string]any), nil},
		{"oid", uint32(4000000000), new(uint32), nil},
		{"int8[]", []*int64{i8(1), nil, i8(-3)}, new([]*int64), nil},
		{"text[]", []string{"a", "b c", "", `"q"`}, new([]string), nil},
		{"float8[]", []float64{}, new([]float64), nil},
	}
	for _, tt := range tests {
		want := tt.want
		if want == nil {
			want = tt.in
		}
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeExec} {
			if mode == pgx.QueryExecModeExec && (tt.typ == "jsonb" || (tt.typ == "timestamptz" && !timestamptzTextReady())) {
				continue // pgx cannot send a map as text for an unknown OID; see timestamptzTextReady
			}
			out := reflect.New(reflect.TypeOf(tt.out).Elem())
			if err := conn.QueryRow(ctx, "echo "+tt.typ, mode, tt.in).Scan(out.Interface()); err != nil {
				t.Errorf("%s %v (mode %v): %v", tt.typ, tt.in, mode, err)
				continue
			}
			got := out.Elem().Interface()
			if !sameValue(got, want) {
				t.Errorf("%s (mode %v): sent %#v, got %#v", tt.typ, mode, want, got)
			}
		}
	}
}

func sameValue(got, want any) bool {
	switch w := want.(type) {
	case time.Time:
		return got.(time.Time).Equal(w)
	case pgtype.Numeric:
		g := got.(pgtype.Numeric)
		gv, _ := g.Value()
		wv, _ := w.Value()
		if gv == wv {
			return true
		}
		gf, _ := g.Float64Value()
		wf, _ := w.Float64Value()
		return gf == wf
	}
	return reflect.DeepEqual(got, want)
}

// TestTextFormats checks parameters and results in text format through ExecParams.
func TestTextFormats(t *testing.T) {
	ts := startServer(t, Config{})
	conn := ts.connect(t, "")
	ctx := testCtx(t)
	tests := []struct{ typ, in, out string }{
		{"boolean", "true", "t"},
		{"int4", " 42 ", "42"},
		{"numeric", "1.50", "1.50"},
		{"date", "2024-01-01", "2024-01-01"},
		{"timestamp", "2024-01-01 00:00:05", "2024-01-01 00:00:05"},
		{"timestamptz", "2024-01-01 00:00:05+02", "2023-12-31 22:00:05+00"},
		{"interval", "1 day 02:00:00", "1 day 02:00:00"},
		{"bytea", `\x00ff`, `\x00ff`},
		{"int8[]", "{1,NULL,3}", "{1,NULL,3}"},
	}
	for _, tt := range tests {
		if tt.typ == "timestamptz" && !timestamptzTextReady() {
			t.Log("skipping timestamptz: types.ParseText cannot parse it yet")
			continue
		}
		res := conn.PgConn().ExecParams(ctx, "echo "+tt.typ, [][]byte{[]byte(tt.in)}, nil, []int16{0}, []int16{0}).Read()
		if res.Err != nil {
			t.Errorf("%s %q: %v", tt.typ, tt.in, res.Err)
			continue
		}
		if len(res.Rows) != 1 || string(res.Rows[0][0]) != tt.out {
			t.Errorf("%s %q: got %q, want %q", tt.typ, tt.in, res.Rows, tt.out)
		}
		if f := res.FieldDescriptions[0]; f.Format != 0 || f.TypeModifier != -1 {
			t.Errorf("%s: field %+v", tt.typ, f)
		}
	}
	// NULL parameters come back as NULL in either format.
	for _, format := range []int16{0, 1} {
		res := conn.PgConn().ExecParams(ctx, "echo int8 text", [][]byte{nil, nil}, nil, []int16{format}, []int16{format}).Read()
		if res.Err != nil || len(res.Rows) != 1 || res.Rows[0][0] != nil || res.Rows[0][1] != nil {
			t.Errorf("NULLs in format %d: %v %q", format, res.Err, res.Rows)
		}
	}
}

// timestamptzTextReady reports whether types.ParseText parses timestamptz yet (another package, being
// written at the same time as this one); the cases that need it are skipped until it does.
func timestamptzTextReady() bool {
	_, err := types.ParseText(types.Timestamptz, "2024-01-01 00:00:05+00", time.UTC)
	return err == nil
}
