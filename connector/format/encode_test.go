package format

import (
	"math"
	"testing"

	"github.com/runnel-db/runnel/types"
)

func mustParse(t *testing.T, typ types.Type, s string) types.Datum {
	t.Helper()
	d, err := types.ParseText(typ, s, nil)
	if err != nil {
		t.Fatalf("%s %q: %v", typ, s, err)
	}
	return d
}

func TestEncodeValues(t *testing.T) {
	tests := []struct {
		d    types.Datum
		want string
	}{
		{types.NullDatum, `null`},
		{types.NewBool(true), `true`},
		{types.NewInt(types.Int16, -3), `-3`},
		{types.NewInt64(math.MaxInt64), `9223372036854775807`},
		{types.NewFloat64(1.5), `1.5`},
		{types.NewFloat64(1e21), `1e+21`},
		{types.NewFloat64(1e20), `100000000000000000000`},
		{types.NewFloat64(0.0000001), `1e-7`},
		{types.NewFloat(types.Float32, 0.1), `0.1`},
		{types.NewFloat64(math.NaN()), `"NaN"`},
		{types.NewFloat64(math.Inf(-1)), `"-Infinity"`},
		{mustParse(t, types.Numeric, "12345678901234567890.000000001"), `12345678901234567890.000000001`},
		{mustParse(t, types.Numeric, "NaN"), `"NaN"`},
		{types.NewVarchar("a\"b\\c\n\x01é\xff"), `"a\"b\\c\n\u0001é\ufffd"`},
		{types.NewBytea([]byte("hello")), `"aGVsbG8="`},
		{mustParse(t, types.Date, "2024-01-01"), `"2024-01-01"`},
		{mustParse(t, types.Time, "12:34:56.5"), `"12:34:56.5"`},
		{mustParse(t, types.Timestamp, "2024-01-01 00:00:05"), `"2024-01-01 00:00:05.000000"`},
		{mustParse(t, types.Timestamp, "1969-12-31 23:59:59.999999"), `"1969-12-31 23:59:59.999999"`},
		{mustParse(t, types.Timestamp, "infinity"), `"infinity"`},
		{mustParse(t, types.Timestamptz, "2024-01-01 02:00:05.25+02"), `"2024-01-01T00:00:05.250000Z"`},
		{mustParse(t, types.Interval, "1 day 02:00:00"), `"1 day 02:00:00"`},
		{mustParse(t, types.Jsonb, `{"b": 1, "a": [true]}`), `{"a": [true], "b": 1}`},
		{mustParse(t, types.ArrayOf(types.Int32), "{1,NULL,3}"), `[1,null,3]`},
	}
	for _, tt := range tests {
		got := string(appendValue(nil, tt.d))
		if got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.d, got, tt.want)
		}
	}
}

func TestEncodeRowAndKey(t *testing.T) {
	cols := []Column{{"id", types.Int64}, {`we"ird`, types.Varchar}, {"ts", types.Timestamp}}
	e := NewEncoder(cols)
	row := types.Row{types.NewInt64(7), types.NewVarchar("x"), types.NullDatum}
	if got := string(e.Encode(nil, row)); got != `{"id":7,"we\"ird":"x","ts":null}` {
		t.Fatalf("Encode = %s", got)
	}
	if got := string(e.EncodeKey([]byte("prefix"), row, []int{1, 0})); got != `prefix{"we\"ird":"x","id":7}` {
		t.Fatalf("EncodeKey = %s", got)
	}
}

// Every value the encoder writes decodes back to an equal datum.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	cols := []Column{
		{"b", types.Bool}, {"i2", types.Int16}, {"i4", types.Int32}, {"i8", types.Int64},
		{"f4", types.Float32}, {"f8", types.Float64}, {"n", types.Numeric}, {"s", types.Varchar},
		{"by", types.Bytea}, {"d", types.Date}, {"tm", types.Time}, {"ts", types.Timestamp},
		{"tz", types.Timestamptz}, {"iv", types.Interval}, {"j", types.Jsonb}, {"a", types.ArrayOf(types.Varchar)},
	}
	rows := []types.Row{
		{types.NewBool(false), types.NewInt(types.Int16, -32768), types.NewInt32(math.MaxInt32), types.NewInt64(math.MinInt64),
			types.NewFloat(types.Float32, 3.25), types.NewFloat64(-1.0 / 3), mustParse(t, types.Numeric, "-0.000123"),
			types.NewVarchar("tab\there \"q\" ü \u2028"), types.NewBytea([]byte{0, 1, 254, 255}), mustParse(t, types.Date, "1999-12-31"),
			mustParse(t, types.Time, "23:59:59.999999"), mustParse(t, types.Timestamp, "2024-02-29 12:00:00.000001"),
			mustParse(t, types.Timestamptz, "1970-01-01 00:00:00+00"), mustParse(t, types.Interval, "-1 years 2 mons 3 days 04:05:06.7"),
			mustParse(t, types.Jsonb, `{"x": [1, 2.50, "s", null, {"y": false}]}`), mustParse(t, types.ArrayOf(types.Varchar), `{a,"b,c",NULL}`)},
		make(types.Row, 16), // all NULL
		{types.NewBool(true), types.NewInt(types.Int16, 0), types.NewInt32(0), types.NewInt64(0),
			types.NewFloat(types.Float32, float64(math.MaxFloat32)), types.NewFloat64(5e-324), mustParse(t, types.Numeric, "NaN"),
			types.NewVarchar(""), types.NewBytea(nil), mustParse(t, types.Date, "0044-03-15 BC"),
			mustParse(t, types.Time, "00:00:00"), mustParse(t, types.Timestamp, "0001-01-01 00:00:00"),
			mustParse(t, types.Timestamptz, "-infinity"), mustParse(t, types.Interval, "0"),
			mustParse(t, types.Jsonb, `"just a string"`), mustParse(t, types.ArrayOf(types.Varchar), `{}`)},
	}
	e, d := NewEncoder(cols), NewDecoder(cols)
	for _, row := range rows {
		buf := e.Encode(nil, row)
		got, err := d.Decode(buf, nil)
		if err != nil {
			t.Fatalf("%s: %v", buf, err)
		}
		for i := range row {
			if !types.Equal(row[i], got[i]) && !(row[i].IsNull() && got[i].IsNull()) {
				t.Errorf("%s: column %s: %v became %v", buf, cols[i].Name, row[i], got[i])
			}
		}
	}
}
