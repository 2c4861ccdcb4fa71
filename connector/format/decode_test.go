package format

import (
	"strings"
	"testing"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// decodeOne decodes {"c": <val>} into a single column of type t and returns its text form.
func decodeOne(t types.Type, val string) (string, error) {
	d := NewDecoder([]Column{{"c", t}})
	row, err := d.Decode([]byte(`{"c":`+val+`}`), nil)
	if err != nil {
		return "", err
	}
	return row[0].String(), nil
}

func TestDecodeConversions(t *testing.T) {
	tests := []struct {
		t    types.Type
		in   string
		want string // text form, or "ERR <sqlstate>"
	}{
		{types.Int64, `42`, "42"},
		{types.Int64, `-9223372036854775808`, "-9223372036854775808"},
		{types.Int64, `9223372036854775807`, "9223372036854775807"},
		{types.Int64, `9223372036854775808`, "ERR 22003"},
		{types.Int64, `99999999999999999999`, "ERR 22003"},
		{types.Int64, `"123"`, "123"},
		{types.Int64, `" 123 "`, "123"},
		{types.Int64, `"12x"`, "ERR 22P02"},
		{types.Int64, `1.0`, "1"},
		{types.Int64, `1e3`, "1000"},
		{types.Int64, `1.5`, "ERR 22P02"},
		{types.Int64, `1e30`, "ERR 22003"},
		{types.Int64, `true`, "ERR 22P02"},
		{types.Int64, `{"a":1}`, "ERR 22P02"},
		{types.Int64, `null`, "NULL"},
		{types.Int32, `2147483647`, "2147483647"},
		{types.Int32, `2147483648`, "ERR 22003"},
		{types.Int32, `-2147483649`, "ERR 22003"},
		{types.Int16, `32767`, "32767"},
		{types.Int16, `32768`, "ERR 22003"},
		{types.Int16, `"-32768"`, "-32768"},
		{types.Float64, `1.5`, "1.5"},
		{types.Float64, `-2e-3`, "-0.002"},
		{types.Float64, `7`, "7"},
		{types.Float64, `"NaN"`, "NaN"},
		{types.Float64, `"1.25"`, "1.25"},
		{types.Float64, `1e400`, "ERR 22003"},
		{types.Float32, `1.5`, "1.5"},
		{types.Float32, `1e39`, "ERR 22003"},
		{types.Numeric, `123.4500`, "123.4500"},
		{types.Numeric, `12345678901234567890.123456789`, "12345678901234567890.123456789"},
		{types.Numeric, `"1.5"`, "1.5"},
		{types.Numeric, `1e2`, "100"},
		{types.Bool, `true`, "t"},
		{types.Bool, `false`, "f"},
		{types.Bool, `"true"`, "t"},
		{types.Bool, `"nope"`, "ERR 22P02"},
		{types.Bool, `1`, "ERR 22P02"},
		{types.Varchar, `"hello"`, "hello"},
		{types.Varchar, `"a\"b\\c\/d\n\u00e9\ud83d\ude00"`, "a\"b\\c/d\né😀"},
		{types.Varchar, `"\ud800x"`, "\ufffdx"},
		{types.Varchar, `12.50`, "12.50"},
		{types.Varchar, `true`, "true"},
		{types.Varchar, `{"b": [1, 2]}`, `{"b": [1, 2]}`},
		{types.Varchar, `"\u0000"`, "ERR 22P02"},
		{types.Varchar, "\"caf\xe9\"", "caf\ufffd"},
		{types.Jsonb, `{"b": [1, 2], "a": null}`, `{"a": null, "b": [1, 2]}`},
		{types.Jsonb, `[1,"x",true]`, `[1, "x", true]`},
		{types.Jsonb, `"s"`, `"s"`},
		{types.Jsonb, `1.50`, `1.50`},
		{types.Jsonb, `true`, `true`},
		{types.Jsonb, `null`, "NULL"},
		{types.Timestamptz, `"2024-01-01T00:00:05Z"`, "2024-01-01 00:00:05+00"},
		{types.Timestamptz, `"2024-01-01T02:00:05.123456+02:00"`, "2024-01-01 00:00:05.123456+00"},
		{types.Timestamptz, `"2024-01-01 00:00:05.5"`, "2024-01-01 00:00:05.5+00"},
		{types.Timestamptz, `"2024-01-01 00:00:05 -0130"`, "2024-01-01 01:30:05+00"},
		{types.Timestamptz, `"2024-01-01T00:00:05.1234567Z"`, "2024-01-01 00:00:05.123457+00"},
		{types.Timestamptz, `1704067205000`, "2024-01-01 00:00:05+00"},
		{types.Timestamptz, `"Jan 1 2024 00:00:05 UTC"`, "2024-01-01 00:00:05+00"},
		{types.Timestamptz, `"2024-02-30T00:00:00Z"`, "ERR 22008"},
		{types.Timestamptz, `"yesterday-ish"`, "ERR 22007"},
		{types.Timestamptz, `1.5`, "ERR 22P02"},
		{types.Timestamp, `"2024-01-01 00:00:05.000001"`, "2024-01-01 00:00:05.000001"},
		{types.Timestamp, `"2024-01-01T00:00:05+05:00"`, "2024-01-01 00:00:05"},
		{types.Timestamp, `"1999-12-31 24:00:00"`, "2000-01-01 00:00:00"},
		{types.Timestamp, `-1000`, "1969-12-31 23:59:59"},
		{types.Date, `"2024-02-29"`, "2024-02-29"},
		{types.Date, `"2023-02-29"`, "ERR 22008"},
		{types.Date, `"0044-03-15 BC"`, "0044-03-15 BC"},
		{types.Date, `5`, "ERR 22P02"},
		{types.Time, `"12:34:56.5"`, "12:34:56.5"},
		{types.Interval, `"1 day 02:00:00"`, "1 day 02:00:00"},
		{types.Interval, `"P1DT2H"`, "1 day 02:00:00"},
		{types.Interval, `"soon"`, "ERR 22007"},
		{types.Bytea, `"aGVsbG8="`, `\x68656c6c6f`},
		{types.Bytea, `"\\x0102"`, `\x0102`},
		{types.Bytea, `"!!"`, "ERR 22P02"},
		{types.ArrayOf(types.Int32), `[1, 2, null]`, "{1,2,NULL}"},
		{types.ArrayOf(types.Int32), `[]`, "{}"},
		{types.ArrayOf(types.Varchar), `["a", "b c"]`, `{a,"b c"}`},
		{types.ArrayOf(types.Int32), `[1, "x"]`, "ERR 22P02"},
		{types.ArrayOf(types.Int32), `"{3,4}"`, "{3,4}"},
		{types.ArrayOf(types.Int32), `{"a":1}`, "ERR 22P02"},
	}
	for _, tt := range tests {
		got, err := decodeOne(tt.t, tt.in)
		if err != nil {
			got = "ERR " + pgerr.Code(err)
			if !strings.Contains(err.Error(), `column "c"`) {
				t.Errorf("%s %s: error %q does not name the column", tt.t, tt.in, err)
			}
		}
		if got != tt.want {
			t.Errorf("%s from %s = %q (%v), want %q", tt.t, tt.in, got, err, tt.want)
		}
	}
}

func TestDecodeRecords(t *testing.T) {
	cols := []Column{{"id", types.Int64}, {"Name", types.Varchar}, {"tags", types.Jsonb}}
	tests := []struct {
		in   string
		want string // row as text, or "ERR <sqlstate>"
	}{
		{`{"id": 1, "Name": "a", "tags": {"x": 1}}`, `[1 a {"x": 1}]`},
		{` { "Name" : "b" , "id":2 } `, `[2 b NULL]`},
		{`{"ID": 3, "name": "c"}`, `[3 c NULL]`},                                         // case-insensitive fallback
		{`{"id": 4, "extra": {"deep": [1, {"x": "y"}]}, "more": null}`, `[4 NULL NULL]`}, // unknown fields skipped
		{`{"id": 5, "id": 6}`, `[6 NULL NULL]`},                                          // last wins
		{`{}`, `[NULL NULL NULL]`},
		{`{"i\u0064": 7}`, `[7 NULL NULL]`}, // escaped key
		{`[1, 2]`, "ERR 22032"},
		{`"x"`, "ERR 22032"},
		{``, "ERR 22032"},
		{`{"id": 1`, "ERR 22032"},
		{`{"id": 1,}`, "ERR 22032"},
		{`{"id": 01}`, "ERR 22032"},
		{`{"id": 1} x`, "ERR 22032"},
		{`{"id": 1, "extra": [1, }`, "ERR 22032"},
		{`{"id": 1, "extra": tru}`, "ERR 22032"},
		{`{"id": -}`, "ERR 22032"},
		{`{"id": 1.}`, "ERR 22032"},
		{`{"id": 1e}`, "ERR 22032"},
		{`{id: 1}`, "ERR 22032"},
		{"{\"Name\": \"a\tb\"}", "ERR 22032"},
		{`{"Name": "\q"}`, "ERR 22032"},
		{`{"Name": "\u12"}`, "ERR 22032"},
		{`{"x": ` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`, "ERR 22032"},
	}
	d := NewDecoder(cols)
	var row types.Row
	for _, tt := range tests {
		var err error
		row, err = d.Decode([]byte(tt.in), row)
		got := ""
		if err != nil {
			got = "ERR " + pgerr.Code(err)
		} else {
			var parts []string
			for _, v := range row {
				parts = append(parts, v.String())
			}
			got = "[" + strings.Join(parts, " ") + "]"
		}
		if got != tt.want {
			t.Errorf("%s: got %s (%v), want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestDecodeDoesNotAliasPayload(t *testing.T) {
	d := NewDecoder([]Column{{"s", types.Varchar}, {"j", types.Jsonb}})
	payload := []byte(`{"s": "abc", "j": "xyz"}`)
	row, err := d.Decode(payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range payload {
		payload[i] = 'Z'
	}
	if row[0].Str() != "abc" || row[1].Str() != `"xyz"` {
		t.Fatalf("row changed with the payload: %v", row)
	}
}
