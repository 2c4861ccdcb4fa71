package expr

import (
	"testing"

	"github.com/runnel-db/runnel/types"
)

func TestArithmetic(t *testing.T) {
	runCases(t, []exprCase{
		{name: "int add", build: bin("+", i4(1), i4(2)), want: "3"},
		{name: "int unknown", build: bin("+", i4(1), lit("2")), want: "3"},
		{name: "int overflow", build: bin("+", i4(2147483647), i4(1)), code: "22003", msg: "integer out of range"},
		{name: "bigint overflow", build: bin("*", i8(1<<62), i8(4)), code: "22003", msg: "bigint out of range"},
		{name: "smallint overflow", build: bin("*", i2(300), i2(300)), code: "22003", msg: "smallint out of range"},
		{name: "int div trunc", build: bin("/", i4(-7), i4(2)), want: "-3"},
		{name: "int mod", build: bin("%", i4(-7), i4(3)), want: "-1"},
		{name: "int div zero", build: bin("/", i4(1), i4(0)), code: "22012", msg: "division by zero"},
		{name: "int mod zero", build: bin("%", i8(1), i8(0)), code: "22012"},
		{name: "float div zero", build: bin("/", f8(1), f8(0)), code: "22012"},
		{name: "numeric div zero", build: bin("/", num("1"), num("0")), code: "22012"},
		{name: "numeric third", build: bin("/", num("1"), num("3")), want: "0.33333333333333333333"},
		{name: "numeric 10/4", build: bin("/", num("10"), num("4")), want: "2.5000000000000000"},
		{name: "int/numeric", build: bin("/", i4(10), num("4")), want: "2.5000000000000000"},
		{name: "numeric big", build: bin("/", num("123456789012345678"), num("7")), want: "17636684144620811"},
		{name: "numeric sqrt pow", build: bin("^", num("2"), num("0.5")), want: "1.4142135623730950"},
		{name: "numeric pow frac", build: bin("^", num("1.5"), i4(2)), want: "2.2500000000000000"},
		{name: "numeric small", build: bin("/", num("0.0001"), num("3")), want: "0.000033333333333333333333"},
		{name: "numeric mul scale", build: bin("*", num("1.50"), num("2.0")), want: "3.000"},
		{name: "numeric mod", build: bin("%", num("10.5"), num("3")), want: "1.5"},
		{name: "int+numeric", build: bin("+", i4(1), num("1.5")), want: "2.5"},
		{name: "float mul", build: bin("*", f8(2.5), num("2")), want: "5"},
		{name: "pow", build: bin("^", i4(2), i4(10)), want: "1024"},
		{name: "numeric pow", build: bin("^", num("2"), num("3")), want: "8.0000000000000000"},
		{name: "bool+int", build: bin("+", i4(1), bl(true)), code: "42883", msg: "operator does not exist: integer + boolean"},
		{name: "float mod", build: bin("%", f8(1), i4(1)), code: "42883"},
		{name: "null", build: bin("+", i4(1), null()), want: "NULL"},
		{name: "neg", build: func() (Expr, error) { return NewUnary("-", i4(5)) }, want: "-5"},
		{name: "neg min", build: func() (Expr, error) { return NewUnary("-", typed("-9223372036854775808", types.Int64)) }, code: "22003"},
		{name: "unknown+unknown", build: bin("+", lit("1"), lit("2")), code: "42725"},
	})
}

func TestCasts(t *testing.T) {
	runCases(t, []exprCase{
		{name: "numeric half up", build: cast(num("2.5"), types.Int32), want: "3"},
		{name: "numeric half up neg", build: cast(num("-2.5"), types.Int32), want: "-3"},
		{name: "float half even", build: cast(f8(2.5), types.Int32), want: "2"},
		{name: "float to int range", build: cast(f8(3e9), types.Int32), code: "22003", msg: "integer out of range"},
		{name: "bad int literal", build: cast(lit("abc"), types.Int32), code: "22P02"},
		{name: "text to int", build: cast(txt("42"), types.Int32), want: "42"},
		{name: "bool to text", build: cast(bl(true), types.Varchar), want: "true"},
		{name: "int to bool", build: cast(i4(5), types.Bool), want: "t"},
		{name: "bigint to bool", build: cast(i8(5), types.Bool), code: "42846", msg: "cannot cast type bigint to boolean"},
		{name: "date to int", build: cast(typed("2024-01-01", types.Date), types.Int32), code: "42846"},
		{name: "float to numeric", build: cast(f8(0.1), types.Numeric), want: "0.1"},
		{name: "int to numeric", build: cast(i4(7), types.Numeric), want: "7"},
		{name: "numeric to smallint", build: cast(num("40000"), types.Int16), code: "22003", msg: "smallint out of range"},
		{name: "jsonb to int", build: cast(typed("12", types.Jsonb), types.Int32), want: "12"},
		{name: "jsonb str to int", build: cast(typed(`"12"`, types.Jsonb), types.Int32), code: "22023", msg: "cannot cast jsonb string to type integer"},
		{name: "jsonb to text", build: cast(typed(`{"a":1}`, types.Jsonb), types.Varchar), want: `{"a": 1}`},
		{name: "ts to date", build: cast(typed("2024-03-04 05:06:07", types.Timestamp), types.Date), want: "2024-03-04"},
		{name: "date to ts", build: cast(typed("2024-03-04", types.Date), types.Timestamp), want: "2024-03-04 00:00:00"},
		{name: "ts to tstz", build: cast(typed("2024-03-04 05:06:07", types.Timestamp), types.Timestamptz), want: "2024-03-04 05:06:07+00"},
		{name: "int to oid", build: cast(i4(-1), types.Oid), want: "4294967295"},
		{name: "null cast", build: cast(null(), types.Int32), want: "NULL"},
		{name: "text array", build: cast(lit("{1,2}"), types.ArrayOf(types.Int32)), want: "{1,2}"},
	})
}

func TestCompare(t *testing.T) {
	runCases(t, []exprCase{
		{name: "int eq bigint", build: bin("=", i4(1), i8(1)), want: "t"},
		{name: "int lt numeric", build: bin("<", i4(1), num("1.5")), want: "t"},
		{name: "int float", build: bin(">", i4(2), f8(1.5)), want: "t"},
		{name: "unknown", build: bin("=", i4(2), lit("2")), want: "t"},
		{name: "bad unknown", build: bin("=", i4(2), lit("x")), code: "22P02"},
		{name: "text", build: bin("<", txt("a"), txt("b")), want: "t"},
		{name: "ts vs date", build: bin("=", typed("2024-01-01", types.Date), typed("2024-01-01 00:00:00", types.Timestamp)), want: "t"},
		{name: "ts vs tstz", build: bin("=", typed("2024-01-01 00:00:00+00", types.Timestamptz), typed("2024-01-01 00:00:00", types.Timestamp)), want: "t"},
		{name: "null", build: bin("=", i4(1), null()), want: "NULL"},
		{name: "int vs bool", build: bin("=", i4(1), bl(true)), code: "42883", msg: "operator does not exist: integer = boolean"},
		{name: "int vs text", build: bin("=", i4(1), txt("1")), code: "42883", msg: "operator does not exist: integer = character varying"},
		{name: "distinct null", build: bin("IS DISTINCT FROM", i4(1), null()), want: "t"},
		{name: "not distinct null", build: bin("IS NOT DISTINCT FROM", null(), null()), want: "t"},
		{name: "numeric eq", build: bin("=", num("1.50"), num("1.5")), want: "t"},
		{name: "interval", build: bin("=", typed("1 mon", types.Interval), typed("30 days", types.Interval)), want: "t"},
		{name: "float nan", build: bin(">", typed("NaN", types.Float64), f8(1e300)), want: "t"},
	})
}
