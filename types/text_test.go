package types

import (
	"errors"
	"testing"
	"time"

	"github.com/runnel-db/runnel/pgerr"
)

// Every expected string below was produced by PostgreSQL 15.18 (DateStyle ISO, IntervalStyle
// postgres, extra_float_digits 1) from the same input.

type textCase struct {
	t    Type
	in   string
	want string
}

func runTextCases(t *testing.T, loc *time.Location, cases []textCase) {
	t.Helper()
	for _, c := range cases {
		d, err := ParseText(c.t, c.in, loc)
		if err != nil {
			t.Errorf("ParseText(%v, %q): %v", c.t, c.in, err)
			continue
		}
		if got := string(AppendText(nil, d, loc)); got != c.want {
			t.Errorf("%v %q: got %q, want %q", c.t, c.in, got, c.want)
		}
	}
}

func TestScalarText(t *testing.T) {
	runTextCases(t, time.UTC, []textCase{
		{Bool, "t", "t"}, {Bool, " TR ", "t"}, {Bool, "of", "f"}, {Bool, "Y", "t"}, {Bool, "no", "f"},
		{Bool, "1", "t"}, {Bool, "0", "f"}, {Bool, "on", "t"}, {Bool, "FALSE", "f"},
		{Int32, " 12 ", "12"}, {Int16, "+5", "5"}, {Int16, "-32768", "-32768"},
		{Int64, "-9223372036854775808", "-9223372036854775808"},
		{Float64, "1e15", "1e+15"}, {Float64, "1e14", "100000000000000"}, {Float64, "1e-5", "1e-05"},
		{Float64, "0.0001", "0.0001"}, {Float32, "1e6", "1e+06"}, {Float32, "100000", "100000"},
		{Float32, "123456.7", "123456.7"}, {Float32, "1e-5", "1e-05"}, {Float64, "-0", "-0"},
		{Float64, "inf", "Infinity"}, {Float32, "nan", "NaN"}, {Float32, "0.1", "0.1"},
		{Float64, "1.5e300", "1.5e+300"}, {Float64, "-inf", "-Infinity"}, {Float64, "  1.5  ", "1.5"},
		{Float64, ".5", "0.5"}, {Float64, "5.", "5"}, {Float32, "1e5", "100000"}, {Float64, "1.5", "1.5"},
		{Float64, "0.1", "0.1"},
		{Numeric, "1.50", "1.50"}, {Numeric, "1e2", "100"}, {Numeric, "1.5e1", "15"}, {Numeric, "1.50e1", "15.0"},
		{Numeric, "-0", "0"}, {Numeric, "-0.00", "0.00"}, {Numeric, "nan", "NaN"}, {Numeric, "-inf", "-Infinity"},
		{Numeric, "0.000001", "0.000001"}, {Numeric, "1e-10", "0.0000000001"},
		{Bytea, `a\\b\001`, `\x615c6201`}, {Bytea, `\x0A ff`, `\x0aff`}, {Bytea, "", `\x`},
		{Oid, "-1", "4294967295"}, {Oid, "4294967295", "4294967295"},
		{Varchar, " a b ", " a b "},
		{Char, "abc", "a"},
	})
}

func TestDateTimeText(t *testing.T) {
	runTextCases(t, time.UTC, []textCase{
		{Date, "2024-01-05", "2024-01-05"}, {Date, "0044-03-15 BC", "0044-03-15 BC"}, {Date, "infinity", "infinity"},
		{Date, "-infinity", "-infinity"},
		{Date, "2024/1/5", "2024-01-05"}, {Date, "Jan 5 2024", "2024-01-05"}, {Date, "1/5/2024", "2024-01-05"},
		{Date, "5 Jan 2024", "2024-01-05"}, {Date, "20240105", "2024-01-05"}, {Date, "epoch", "1970-01-01"},
		{Date, "2024-Jan-05", "2024-01-05"}, {Date, "January 5, 24", "2024-01-05"},
		{Date, "4714-11-24 BC", "4714-11-24 BC"}, {Date, "5874897-12-31", "5874897-12-31"},
		{Date, "12345-01-01", "12345-01-01"},
		{Time, "13:04:05", "13:04:05"}, {Time, "13:04:05.5", "13:04:05.5"}, {Time, "24:00:00", "24:00:00"},
		{Time, "1:02", "01:02:00"}, {Time, "13:04:05.1234567", "13:04:05.123457"}, {Time, "01:02:03 pm", "13:02:03"},
		{Time, "12:00 am", "00:00:00"}, {Time, "allballs", "00:00:00"}, {Time, "2024-01-01 10:00:00", "10:00:00"},
		{Time, "13:04:05+02", "13:04:05"},
		{Timestamp, "2024-01-01 00:00:05", "2024-01-01 00:00:05"},
		{Timestamp, "2024-01-01T00:00:05.123Z", "2024-01-01 00:00:05.123"},
		{Timestamp, "2024-01-01", "2024-01-01 00:00:00"},
		{Timestamp, "2024-01-01 00:00:05+05:30", "2024-01-01 00:00:05"},
		{Timestamp, "0044-03-15 10:00 BC", "0044-03-15 10:00:00 BC"},
		{Timestamp, "2024-01-01 00:00:05 America/New_York", "2024-01-01 00:00:05"},
		{Timestamptz, "2024-01-01 00:00:05", "2024-01-01 00:00:05+00"},
		{Timestamptz, "2024-01-01 00:00:05+05:30", "2023-12-31 18:30:05+00"},
		{Timestamptz, "2024-01-01 00:00:05 America/New_York", "2024-01-01 05:00:05+00"},
		{Timestamptz, "2024-01-01 00:00:05 PST", "2024-01-01 08:00:05+00"},
		{Timestamptz, "2024-01-01T00:00:05.123456789Z", "2024-01-01 00:00:05.123457+00"},
		{Timestamptz, "infinity", "infinity"},
	})
	kolkata, _ := LoadZone("Asia/Kolkata")
	runTextCases(t, kolkata, []textCase{
		{Timestamptz, "2024-01-01 00:00:05", "2024-01-01 00:00:05+05:30"},
		{Timestamptz, "2024-01-01 00:00:05+00", "2024-01-01 05:30:05+05:30"},
	})
	la, _ := LoadZone("America/Los_Angeles")
	runTextCases(t, la, []textCase{
		{Timestamptz, "2024-01-01 00:00:05", "2024-01-01 00:00:05-08"},
		{Timestamptz, "2024-07-01 00:00:05", "2024-07-01 00:00:05-07"},
		{Timestamptz, "1850-01-01 00:00:00", "1850-01-01 00:00:00-07:52:58"},
		{Timestamptz, "2024-03-10 02:30:00", "2024-03-10 03:30:00-07"}, // spring-forward gap
		{Timestamptz, "2024-11-03 01:30:00", "2024-11-03 01:30:00-08"}, // fall-back overlap
		{Timestamptz, "0044-03-15 10:00 BC", "0044-03-15 10:00:00-07:52:58 BC"},
	})
	ny, err := LoadZone("america/new_york")
	if err != nil {
		t.Fatal(err)
	}
	runTextCases(t, ny, []textCase{{Timestamptz, "2024-01-01 00:00:05", "2024-01-01 00:00:05-05"}})
}

func TestIntervalText(t *testing.T) {
	runTextCases(t, time.UTC, []textCase{
		{Interval, "1 year 2 mons 3 days 04:05:06", "1 year 2 mons 3 days 04:05:06"},
		{Interval, "-1 days +02:00:00", "-1 days +02:00:00"}, {Interval, "0", "00:00:00"},
		{Interval, "1 day", "1 day"}, {Interval, "3 mons", "3 mons"}, {Interval, "0.5 sec", "00:00:00.5"},
		{Interval, "1 day 2 hours 3 minutes", "1 day 02:03:00"}, {Interval, "1 hour", "01:00:00"},
		{Interval, "-1 day", "-1 days"}, {Interval, "10 seconds", "00:00:10"}, {Interval, "1.5 hours", "01:30:00"},
		{Interval, "2 weeks", "14 days"}, {Interval, "5 min", "00:05:00"},
		{Interval, "P1Y2M3DT4H5M6S", "1 year 2 mons 3 days 04:05:06"}, {Interval, "@ 1 hour ago", "-01:00:00"},
		{Interval, "1 day 02:00:00", "1 day 02:00:00"}, {Interval, "1.5 days", "1 day 12:00:00"},
		{Interval, "1.5 months", "1 mon 15 days"}, {Interval, "1.5 years", "1 year 6 mons"},
		{Interval, "-1 day 02:00:00", "-1 days +02:00:00"}, {Interval, "1 02:00:00", "1 day 02:00:00"},
		{Interval, "5", "00:00:05"}, {Interval, "-01:02:03", "-01:02:03"}, {Interval, "1:30", "01:30:00"},
		{Interval, "5:30.5", "00:05:30.5"}, {Interval, "1 day -1 hour", "1 day -01:00:00"},
		{Interval, "-1 year -2 mons", "-1 years -2 mons"}, {Interval, "1 mon -1 day", "1 mon -1 days"},
		{Interval, "100 hours", "100:00:00"}, {Interval, "1.5 weeks", "10 days 12:00:00"},
		{Interval, "PT1.5S", "00:00:01.5"}, {Interval, "P1W", "7 days"}, {Interval, "5min", "00:05:00"},
		{Interval, "1 millisecond", "00:00:00.001"}, {Interval, "3 us", "00:00:00.000003"},
		{Interval, "2 decades", "20 years"}, {Interval, "-1 year 2 mons", "-10 mons"},
		{Interval, "1 year -2 mons +3 days", "10 mons 3 days"}, {Interval, "-1 days -02:00:00", "-1 days -02:00:00"},
		{Interval, "-00:00:00.5", "-00:00:00.5"},
	})
}

func TestArrayText(t *testing.T) {
	runTextCases(t, time.UTC, []textCase{
		{ArrayOf(Int32), "{1,2,NULL}", "{1,2,NULL}"}, {ArrayOf(Varchar), `{"a b",c,""}`, `{"a b",c,""}`},
		{ArrayOf(Int32), "{ 1 , 2 }", "{1,2}"}, {ArrayOf(Int32), "{}", "{}"},
		{ArrayOf(Varchar), `{"a",NULL,"NULL"}`, `{a,NULL,"NULL"}`}, {ArrayOf(Varchar), `{a\"b}`, `{"a\"b"}`},
		{ArrayOf(Bytea), `{"\\x01"}`, `{"\\x01"}`}, {ArrayOf(Float64), "{1.5,NaN}", "{1.5,NaN}"},
	})
	d := NewArray(Varchar, []Datum{NewVarchar("NULL"), NewVarchar(`x"y`), NewVarchar(`a\b`), NewVarchar("{"), NewVarchar(" ")})
	if got, want := d.String(), `{"NULL","x\"y","a\\b","{"," "}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestJsonbText(t *testing.T) {
	runTextCases(t, time.UTC, []textCase{
		{Jsonb, `{"b": [1, 2, {"c": null}], "a": 1}`, `{"a": 1, "b": [1, 2, {"c": null}]}`},
		{Jsonb, `{"aa":1,"b":2,"a":3,"a":4}`, `{"a": 4, "b": 2, "aa": 1}`},
		{Jsonb, `[1e2, 1.0, -0, 1E-2, -0.0]`, `[100, 1.0, 0, 0.01, 0.0]`},
		{Jsonb, `"a\u0001\n\"\\/é\u00e9"`, `"a\u0001\n\"\\/éé"`}, {Jsonb, ` { } `, `{}`}, {Jsonb, `[]`, `[]`},
		{Jsonb, `null`, `null`}, {Jsonb, `"\ud83d\ude00"`, `"😀"`}, {Jsonb, ` true `, `true`},
	})
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		t        Type
		in, code string
		msg      string
	}{
		{Int32, "99999999999", "22003", `value "99999999999" is out of range for type integer`},
		{Int32, "abc", "22P02", `invalid input syntax for type integer: "abc"`},
		{Int32, "", "22P02", `invalid input syntax for type integer: ""`},
		{Int16, "32768", "22003", `value "32768" is out of range for type smallint`},
		{Int64, "9223372036854775808", "22003", `value "9223372036854775808" is out of range for type bigint`},
		{Float64, "1e400", "22003", `"1e400" is out of range for type double precision`},
		{Float64, "1e-400", "22003", `"1e-400" is out of range for type double precision`},
		{Float32, "1e39", "22003", `"1e39" is out of range for type real`},
		{Float64, "abc", "22P02", `invalid input syntax for type double precision: "abc"`},
		{Numeric, "abc", "22P02", `invalid input syntax for type numeric: "abc"`},
		{Bool, "x", "22P02", `invalid input syntax for type boolean: "x"`},
		{Bool, "o", "22P02", `invalid input syntax for type boolean: "o"`},
		{Date, "2024-13-01", "22008", `date/time field value out of range: "2024-13-01"`},
		{Date, "2024-02-30", "22008", `date/time field value out of range: "2024-02-30"`},
		{Date, "abc", "22007", `invalid input syntax for type date: "abc"`},
		{Date, "4714-11-23 BC", "22008", `date out of range: "4714-11-23 BC"`},
		{Time, "25:00:00", "22008", `date/time field value out of range: "25:00:00"`},
		{Timestamp, "abc", "22007", `invalid input syntax for type timestamp: "abc"`},
		{Timestamptz, "abc", "22007", `invalid input syntax for type timestamp with time zone: "abc"`},
		{Timestamptz, "2024-01-01 foo", "22007", `invalid input syntax for type timestamp with time zone: "2024-01-01 foo"`},
		{Timestamptz, "2024-01-01 Foo/Bar", "22023", `time zone "foo/bar" not recognized`},
		{Timestamptz, "2024-01-01 00:00:00+25", "22009", `time zone displacement out of range: "2024-01-01 00:00:00+25"`},
		{Interval, "abc", "22007", `invalid input syntax for type interval: "abc"`},
		{Jsonb, `{"a":}`, "22P02", `invalid input syntax for type json`},
		{Jsonb, `[1,2`, "22P02", `invalid input syntax for type json`},
		{Jsonb, `tru`, "22P02", `invalid input syntax for type json`},
		{Jsonb, `01`, "22P02", `invalid input syntax for type json`},
		{Jsonb, `"\u0000"`, "22P05", `unsupported Unicode escape sequence`},
		{ArrayOf(Int32), "{1,2", "22P02", `malformed array literal: "{1,2"`},
		{ArrayOf(Int32), "abc", "22P02", `malformed array literal: "abc"`},
		{Bytea, `\xgg`, "22023", `invalid hexadecimal digit: "g"`},
		{Oid, "4294967296", "22003", `value "4294967296" is out of range for type oid`},
	}
	for _, c := range cases {
		_, err := ParseText(c.t, c.in, time.UTC)
		var pe *pgerr.Error
		if !errors.As(err, &pe) {
			t.Errorf("%v %q: want error %s, got %v", c.t, c.in, c.code, err)
			continue
		}
		if pe.Code != c.code || pe.Message != c.msg {
			t.Errorf("%v %q: got %s %q, want %s %q", c.t, c.in, pe.Code, pe.Message, c.code, c.msg)
		}
	}
	_, err := ParseText(Jsonb, `{"a":}`, nil)
	if d := pgerr.As(err).Detail; d != `Expected JSON value, but found "}".` {
		t.Errorf("json detail %q", d)
	}
	_, err = ParseText(ArrayOf(Int32), "{1,2", nil)
	if d := pgerr.As(err).Detail; d != `Unexpected end of input.` {
		t.Errorf("array detail %q", d)
	}
}

func TestStringNull(t *testing.T) {
	if NullDatum.String() != "NULL" {
		t.Fatal(NullDatum.String())
	}
	if got := string(AppendText([]byte("x"), NullDatum, nil)); got != "x" {
		t.Fatal(got)
	}
}
