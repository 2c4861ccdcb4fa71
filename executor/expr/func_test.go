package expr

import (
	"testing"

	"github.com/runnel-db/runnel/types"
)

// Expected values are PostgreSQL 15's answers to the same calls.

func TestStringFunctions(t *testing.T) {
	runCases(t, []exprCase{
		{name: "upper", build: fn("upper", lit("abc")), want: "ABC"},
		{name: "length", build: fn("length", lit("héllo")), want: "5"},
		{name: "substr", build: fn("substr", lit("hello"), i4(2), i4(3)), want: "ell"},
		{name: "substr zero", build: fn("substr", lit("hello"), i4(0), i4(2)), want: "h"},
		{name: "substr neg len", build: fn("substr", lit("hello"), i4(1), i4(-1)), code: "22011", msg: "negative substring length not allowed"},
		{name: "position", build: fn("position", lit("hello"), lit("lo")), want: "4"},
		{name: "btrim", build: fn("btrim", lit("xxhixx"), lit("x")), want: "hi"},
		{name: "lpad", build: fn("lpad", lit("hi"), i4(5), lit("ab")), want: "abahi"},
		{name: "rpad trunc", build: fn("rpad", lit("hello"), i4(3)), want: "hel"},
		{name: "left neg", build: fn("left", lit("hello"), i4(-2)), want: "hel"},
		{name: "right", build: fn("right", lit("hello"), i4(2)), want: "lo"},
		{name: "concat", build: fn("concat", lit("a"), i4(1), null(), bl(true)), want: "a1t"},
		{name: "concat_ws", build: fn("concat_ws", lit(","), lit("a"), null(), i4(2)), want: "a,2"},
		{name: "repeat", build: fn("repeat", lit("ab"), i4(3)), want: "ababab"},
		{name: "reverse", build: fn("reverse", lit("abc")), want: "cba"},
		{name: "split_part", build: fn("split_part", lit("a,b,c"), lit(","), i4(2)), want: "b"},
		{name: "initcap", build: fn("initcap", lit("hello wORLD")), want: "Hello World"},
		{name: "md5", build: fn("md5", lit("abc")), want: "900150983cd24fb0d6963f7d28e17f72"},
		{name: "translate", build: fn("translate", lit("12345"), lit("143"), lit("ax")), want: "a2x5"},
		{name: "ascii", build: fn("ascii", lit("A")), want: "65"},
		{name: "chr", build: fn("chr", i4(65)), want: "A"},
		{name: "to_hex", build: fn("to_hex", i4(255)), want: "ff"},
		{name: "quote_ident", build: fn("quote_ident", lit("Foo")), want: `"Foo"`},
		{name: "quote_literal", build: fn("quote_literal", lit("it's")), want: `'it''s'`},
		{name: "regexp_replace", build: fn("regexp_replace", lit("foobarbaz"), lit("b(..)"), lit(`X\1Y`), lit("g")), want: "fooXarYXazY"},
		{name: "regexp_match", build: fn("regexp_match", lit("foobar"), lit("o(b)(a)")), want: "{b,a}"},
		{name: "concat op int", build: bin("||", lit("a"), i4(1)), want: "a1"},
		{name: "concat op bool", build: bin("||", lit("a"), bl(true)), want: "atrue"},
		{name: "concat op left", build: bin("||", i4(1), lit("a")), want: "1a"},
		{name: "concat op null", build: bin("||", txt("a"), null()), want: "NULL"},
		{name: "like", build: bin("LIKE", txt("hello"), lit("h%l_o")), want: "t"},
		{name: "like prefix", build: bin("LIKE", txt("hello"), lit("he%")), want: "t"},
		{name: "ilike", build: bin("ILIKE", txt("HeLLo"), lit("%ll%")), want: "t"},
		{name: "not like", build: bin("NOT LIKE", txt("hello"), lit("x%")), want: "t"},
		{name: "like escape", build: func() (Expr, error) { return NewLike(txt("a%b"), lit(`a\%b`), nil, false, false) }, want: "t"},
		{name: "like escape miss", build: func() (Expr, error) { return NewLike(txt("axb"), lit(`a\%b`), nil, false, false) }, want: "f"},
		{name: "like bad escape", build: bin("LIKE", txt("a"), lit(`a\`)), code: "22025"},
		{name: "regex", build: bin("~", txt("hello"), lit("^h.*o$")), want: "t"},
		{name: "regex ci", build: bin("!~*", txt("HELLO"), lit("^h")), want: "f"},
		{name: "like int", build: bin("LIKE", i4(1), lit("1")), code: "42883"},
		{name: "no func", build: fn("foo", i4(1)), code: "42883", msg: "function foo(integer) does not exist"},
		{name: "wrong args", build: fn("upper", i4(1)), code: "42883", msg: "function upper(integer) does not exist"},
		{name: "greatest", build: fn("greatest", i4(1), num("2.5"), null()), want: "2.5"},
		{name: "least", build: fn("least", lit("b"), lit("a")), want: "a"},
		{name: "nullif eq", build: fn("nullif", i4(1), i4(1)), want: "NULL"},
		{name: "nullif ne", build: fn("nullif", i4(1), i4(2)), want: "1"},
	})
}

func TestMathFunctions(t *testing.T) {
	runCases(t, []exprCase{
		{name: "abs", build: fn("abs", i4(-5)), want: "5"},
		{name: "abs min", build: fn("abs", i4(-2147483648)), code: "22003"},
		{name: "round numeric", build: fn("round", num("2.5")), want: "3"},
		{name: "round float", build: fn("round", f8(2.5)), want: "2"},
		{name: "round scale", build: fn("round", num("1.2345"), i4(2)), want: "1.23"},
		{name: "round neg scale", build: fn("round", i4(12345), i4(-2)), want: "12300"},
		{name: "trunc", build: fn("trunc", num("-1.7")), want: "-1"},
		{name: "ceil", build: fn("ceil", num("1.2")), want: "2"},
		{name: "floor", build: fn("floor", num("-1.2")), want: "-2"},
		{name: "sqrt numeric", build: fn("sqrt", num("2")), want: "1.414213562373095"},
		{name: "sqrt int", build: fn("sqrt", i4(16)), want: "4"},
		{name: "sqrt neg", build: fn("sqrt", f8(-1)), code: "2201F"},
		{name: "power", build: fn("power", i4(2), i4(10)), want: "1024"},
		{name: "exp numeric", build: fn("exp", num("1")), want: "2.7182818284590452"},
		{name: "exp float", build: fn("exp", f8(2.5)), want: "12.182493960703473"},
		{name: "ln numeric", build: fn("ln", num("2")), want: "0.6931471805599453"},
		{name: "ln 10", build: fn("ln", num("10")), want: "2.3025850929940457"},
		{name: "log int", build: fn("log", i4(100)), want: "2"},
		{name: "log numeric", build: fn("log", num("100")), want: "2.0000000000000000"},
		{name: "log zero", build: fn("ln", f8(0)), code: "2201E"},
		{name: "log10", build: fn("log10", i4(1000)), want: "3"},
		{name: "mod", build: fn("mod", i4(-7), i4(3)), want: "-1"},
		{name: "mod numeric", build: fn("mod", num("10.5"), i4(3)), want: "1.5"},
		{name: "sign", build: fn("sign", num("-2.5")), want: "-1"},
		{name: "pi", build: fn("pi"), want: "3.141592653589793"},
		{name: "degrees", build: fn("degrees", must(NewFunc("pi", nil))), want: "180"},
	})
}

func TestDatetimeFunctions(t *testing.T) {
	ts := func(s string) Expr { return typed(s, types.Timestamp) }
	date := func(s string) Expr { return typed(s, types.Date) }
	iv := func(s string) Expr { return typed(s, types.Interval) }
	runCases(t, []exprCase{
		{name: "trunc month", build: fn("date_trunc", lit("month"), ts("2024-03-15 10:20:30")), want: "2024-03-01 00:00:00"},
		{name: "trunc week", build: fn("date_trunc", lit("week"), ts("2024-03-15 10:20:30")), want: "2024-03-11 00:00:00"},
		{name: "trunc bad", build: fn("date_trunc", lit("fortnight"), ts("2024-03-15 10:20:30")), code: "22023"},
		{name: "extract second", build: fn("extract", lit("second"), ts("2024-01-01 00:00:05.5")), want: "5.500000"},
		{name: "extract epoch", build: fn("extract", lit("epoch"), ts("2024-01-01 00:00:05")), want: "1704067205.000000"},
		{name: "date_part", build: fn("date_part", lit("year"), ts("2024-01-01")), want: "2024"},
		{name: "extract ms", build: fn("extract", lit("millisecond"), ts("2024-01-01 00:00:05")), want: "5000.000"},
		{name: "extract dow", build: fn("extract", lit("dow"), date("2024-03-15")), want: "5"},
		{name: "extract interval epoch", build: fn("extract", lit("epoch"), iv("1 year 1 month 1 day")), want: "34236000.000000"},
		{name: "century", build: fn("extract", lit("century"), date("2000-01-01")), want: "20"},
		{name: "quarter", build: fn("extract", lit("quarter"), date("2024-08-01")), want: "3"},
		{name: "doy", build: fn("extract", lit("doy"), date("2024-03-01")), want: "61"},
		{name: "week", build: fn("extract", lit("week"), date("2024-01-01")), want: "1"},
		{name: "month clamp", build: bin("+", ts("2024-01-31 10:00"), iv("1 month")), want: "2024-02-29 10:00:00"},
		{name: "date - date", build: bin("-", date("2024-03-01"), date("2024-01-01")), want: "60"},
		{name: "date + int", build: bin("+", date("2024-01-01"), i4(30)), want: "2024-01-31"},
		{name: "ts - ts", build: bin("-", ts("2024-01-02 12:00"), ts("2024-01-01")), want: "1 day 12:00:00"},
		{name: "interval * num", build: bin("*", iv("1 day"), num("1.5")), want: "1 day 12:00:00"},
		{name: "interval / int", build: bin("/", iv("1 month"), i4(2)), want: "15 days"},
		{name: "date + interval", build: bin("+", date("2024-01-01"), iv("1 hour")), want: "2024-01-01 01:00:00"},
		{name: "date + unknown", build: bin("+", date("2024-01-01"), lit("1 hour")), want: "2024-01-01 01:00:00"},
		{name: "ts - interval", build: bin("-", ts("2024-03-01"), iv("1 day")), want: "2024-02-29 00:00:00"},
		{name: "time + interval", build: bin("+", typed("23:00", types.Time), iv("2 hours")), want: "01:00:00"},
		{name: "date_bin", build: fn("date_bin", iv("15 minutes"), ts("2024-01-01 10:37:00"), ts("2000-01-01")), want: "2024-01-01 10:30:00"},
		{name: "to_char", build: fn("to_char", ts("2024-03-05 14:07:09.123"), lit("YYYY-MM-DD HH24:MI:SS.MS Mon Month Day Dy HH12 AM")),
			want: "2024-03-05 14:07:09.123 Mar March     Tuesday   Tue 02 PM"},
		{name: "make_date", build: fn("make_date", i4(2024), i4(2), i4(29)), want: "2024-02-29"},
		{name: "make_date bad", build: fn("make_date", i4(2023), i4(2), i4(29)), code: "22008"},
		{name: "make_timestamp", build: fn("make_timestamp", i4(2024), i4(2), i4(29), i4(1), i4(2), num("3.5")), want: "2024-02-29 01:02:03.5"},
		{name: "now", build: fn("now"), want: "2024-01-02 03:04:05.123456+00"},
		{name: "current_date", build: fn("current_date"), want: "2024-01-02"},
		{name: "to_timestamp", build: fn("to_timestamp", i4(0)), want: "1970-01-01 00:00:00+00"},
	})
}

func TestJSONFunctions(t *testing.T) {
	j := func(s string) Expr { return typed(s, types.Jsonb) }
	runCases(t, []exprCase{
		{name: "to_jsonb num", build: fn("to_jsonb", num("1.5")), want: "1.5"},
		{name: "to_jsonb text", build: fn("to_jsonb", txt("a")), want: `"a"`},
		{name: "to_jsonb ts", build: fn("to_jsonb", typed("2024-01-01 10:00:00", types.Timestamp)), want: `"2024-01-01T10:00:00"`},
		{name: "build_object", build: fn("jsonb_build_object", lit("a"), i4(1), lit("b"), lit("x"), lit("c"), null(), lit("d"), bl(true)),
			want: `{"a": 1, "b": "x", "c": null, "d": true}`},
		{name: "build_array", build: fn("jsonb_build_array", i4(1), lit("a"), null()), want: `[1, "a", null]`},
		{name: "arrow chain", build: func() (Expr, error) {
			return NewBinary("->>", must(NewBinary("->", must(NewBinary("->", j(`{"a":{"b":[1,2]}}`), lit("a"))), lit("b"))), i4(1))
		}, want: "2"},
		{name: "path", build: bin("#>", j(`{"a":{"b":[1,2]}}`), lit("{a,b}")), want: "[1, 2]"},
		{name: "path text", build: bin("#>>", j(`{"a":{"b":"x"}}`), lit("{a,b}")), want: "x"},
		{name: "missing", build: bin("->", j(`{"a":1}`), lit("b")), want: "NULL"},
		{name: "contains", build: bin("@>", j(`{"a":1,"b":2}`), lit(`{"a":1}`)), want: "t"},
		{name: "contained", build: bin("<@", j(`{"a":1}`), lit(`{"a":1,"b":2}`)), want: "t"},
		{name: "has key", build: bin("?", j(`{"a":1}`), lit("a")), want: "t"},
		{name: "typeof", build: fn("jsonb_typeof", j(`[1]`)), want: "array"},
		{name: "array_length", build: fn("jsonb_array_length", j(`[1,2,3]`)), want: "3"},
		{name: "concat", build: bin("||", j(`{"a":1}`), j(`{"b":2}`)), want: `{"a": 1, "b": 2}`},
		{name: "extract_path_text", build: fn("jsonb_extract_path_text", j(`{"a":{"b":"x"}}`), lit("a"), lit("b")), want: "x"},
		{name: "arrow on int", build: bin("->", i4(1), lit("a")), code: "42883"},
	})
}

func TestCompatFunctions(t *testing.T) {
	runCases(t, []exprCase{
		{name: "version", build: fn("version"), want: "PostgreSQL 13.14.0-Runnel-dev"},
		{name: "current_database", build: fn("current_database"), want: "dev"},
		{name: "current_user", build: fn("current_user"), want: "root"},
		{name: "current_schema", build: fn("current_schema"), want: "public"},
		{name: "current_schemas", build: fn("current_schemas", bl(true)), want: "{pg_catalog,public}"},
		{name: "format_type", build: fn("format_type", i4(1043), null()), want: "character varying"},
		{name: "format_type int", build: fn("format_type", i4(23), i4(-1)), want: "integer"},
		{name: "pg_get_userbyid", build: fn("pg_get_userbyid", i4(10)), want: "root"},
		{name: "encoding", build: fn("pg_encoding_to_char", i4(6)), want: "UTF8"},
		{name: "visible", build: fn("pg_table_is_visible", i4(1259)), want: "t"},
		{name: "privilege", build: fn("has_table_privilege", lit("t"), lit("select")), want: "t"},
		{name: "obj_description", build: fn("obj_description", i4(1), lit("pg_class")), want: "NULL"},
		{name: "pg_get_expr", build: fn("pg_get_expr", lit("x + 1"), i4(5)), want: "x + 1"},
		{name: "array_to_string", build: fn("array_to_string", must(NewArray([]Expr{i4(1), null(), i4(3)})), lit(","), lit("*")), want: "1,*,3"},
		{name: "array_length", build: fn("array_length", must(NewArray([]Expr{i4(1), i4(3)})), i4(1)), want: "2"},
		{name: "cardinality", build: fn("cardinality", must(NewArray([]Expr{i4(1), i4(3)}))), want: "2"},
		{name: "recovery", build: fn("pg_is_in_recovery"), want: "f"},
		{name: "setting missing", build: fn("current_setting", lit("nope")), code: "42704"},
		{name: "setting missing ok", build: fn("current_setting", lit("nope"), bl(true)), want: "NULL"},
		{name: "pg_typeof", build: cast(must(NewFunc("pg_typeof", []Expr{num("1")})), types.Varchar), want: "numeric"},
	})
}
