package expr

import (
	"testing"

	"github.com/runnel-db/runnel/types"
)

func TestCatalogFunctions(t *testing.T) {
	defs := map[uint32]string{7: `CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id, "a, b")`}
	lookup := func(m map[uint32]string) func(uint32) (string, bool) {
		return func(oid uint32) (string, bool) { s, ok := m[oid]; return s, ok }
	}
	sess := &Session{
		IndexDef:      lookup(defs),
		ConstraintDef: lookup(map[uint32]string{8: "PRIMARY KEY (id)"}),
		ViewDef:       lookup(map[uint32]string{9: "SELECT id FROM t;"}),
		RegclassName: func(oid uint32) string {
			if oid == 16384 {
				return "t"
			}
			return ""
		},
		RegclassOID:  func(string) (uint32, error) { return 16384, nil },
		TableVisible: func(oid uint32) bool { return oid != 13000 },
		Description: func(oid uint32, class string) (string, bool) {
			return "a table", oid == 9 && (class == "" || class == "pg_class")
		},
	}
	oid := func(v int64) Expr { return NewConst(types.NewInt(types.Oid, v), types.Oid) }
	arr := func(xs ...Expr) Expr { return must(NewArray(xs)) }
	runCases(t, []exprCase{
		{name: "indexdef", sess: sess, build: fn("pg_get_indexdef", oid(7)), want: defs[7]},
		{name: "indexdef psql", sess: sess, build: fn("pg_get_indexdef", oid(7), i4(0), bl(true)), want: defs[7]},
		{name: "indexdef column", sess: sess, build: fn("pg_get_indexdef", oid(7), i4(2), bl(true)), want: `"a, b"`},
		{name: "indexdef no column", sess: sess, build: fn("pg_get_indexdef", oid(7), i4(3), bl(true)), want: ""},
		{name: "indexdef unknown", sess: sess, build: fn("pg_get_indexdef", oid(1)), want: "NULL"},
		{name: "indexdef no hook", build: fn("pg_get_indexdef", oid(7)), want: "NULL"},
		{name: "constraintdef", sess: sess, build: fn("pg_get_constraintdef", oid(8), bl(true)), want: "PRIMARY KEY (id)"},
		{name: "viewdef", sess: sess, build: fn("pg_get_viewdef", lit("9"), bl(true)), want: "SELECT id FROM t;"},
		{name: "viewdef of table", sess: sess, build: fn("pg_get_viewdef", oid(7)), want: "NULL"},
		{name: "obj_description", sess: sess, build: fn("obj_description", oid(9), lit("pg_class")), want: "a table"},
		{name: "obj_description one arg", sess: sess, build: fn("obj_description", oid(9)), want: "a table"},
		{name: "obj_description other class", sess: sess, build: fn("obj_description", oid(9), lit("pg_proc")), want: "NULL"},
		{name: "obj_description none", sess: sess, build: fn("obj_description", oid(1), lit("pg_class")), want: "NULL"},
		{name: "col_description", sess: sess, build: fn("col_description", oid(9), i4(1)), want: "NULL"},
		{name: "regclass to text", sess: sess, build: cast(typed("16384", types.Regclass), types.Varchar), want: "t"},
		{name: "name to regclass to text", sess: sess, build: cast(typed("t", types.Regclass), types.Varchar), want: "t"},
		{name: "regclass 0", sess: sess, build: cast(typed("0", types.Regclass), types.Varchar), want: "-"},
		{name: "regclass unknown oid", sess: sess, build: cast(typed("99", types.Regclass), types.Varchar), want: "99"},
		{name: "regtype to text", build: cast(typed("1043", types.Regtype), types.Varchar), want: "character varying"},
		{name: "regtype text", build: cast(typed("25", types.Regtype), types.Varchar), want: "text"},
		{name: "size_pretty bytes", build: fn("pg_size_pretty", i8(10239)), want: "10239 bytes"},
		{name: "size_pretty kB", build: fn("pg_size_pretty", i8(10240)), want: "10 kB"},
		{name: "size_pretty MB", build: fn("pg_size_pretty", i8(20971519)), want: "20 MB"},
		{name: "size_pretty negative", build: fn("pg_size_pretty", i8(-123456789)), want: "-118 MB"},
		{name: "size_pretty max", build: fn("pg_size_pretty", i8(9223372036854775807)), want: "8192 PB"},
		{name: "table size", build: fn("pg_table_size", oid(16384)), want: "0"},
		{name: "array_remove", build: fn("array_remove", arr(lit("a"), null(), lit("b"), lit("a")), lit("a")), want: "{NULL,b}"},
		{name: "array_remove null", build: fn("array_remove", arr(i4(1), null()), null()), want: "{1}"},
		{name: "table visible", sess: sess, build: fn("pg_table_is_visible", oid(16384)), want: "t"},
		{name: "table not visible", sess: sess, build: fn("pg_table_is_visible", oid(13000)), want: "f"},
		{name: "publishable", build: fn("pg_relation_is_publishable", lit("16385")), want: "f"},
		{name: "function visible", build: fn("pg_function_is_visible", oid(1)), want: "t"},
		{name: "function arguments", build: fn("pg_get_function_arguments", oid(1)), want: ""},
		{name: "function result", build: fn("pg_get_function_result", oid(1)), want: ""},
		{name: "partkeydef", build: fn("pg_get_partkeydef", oid(1)), want: "NULL"},
		{name: "statistics columns", build: fn("pg_get_statisticsobjdef_columns", oid(1)), want: "NULL"},
		{name: "tablespace location", build: fn("pg_tablespace_location", oid(1663)), want: ""},
		{name: "array_lower", build: fn("array_lower", arr(i4(5), i4(6)), i4(1)), want: "1"},
		{name: "array_upper", build: fn("array_upper", arr(i4(5), i4(6)), i4(1)), want: "2"},
		{name: "array_upper dim 2", build: fn("array_upper", arr(i4(5), i4(6)), i4(2)), want: "NULL"},
		{name: "array_upper empty", build: fn("array_upper", typed("{}", types.ArrayOf(types.Int32)), i4(1)), want: "NULL"},
		{name: "string_to_array", build: fn("string_to_array", lit("a,b,,c"), lit(",")), want: `{a,b,"",c}`},
		{name: "string_to_array null string", build: fn("string_to_array", lit("a,*,c"), lit(","), lit("*")), want: "{a,NULL,c}"},
		{name: "string_to_array chars", build: fn("string_to_array", lit("abc"), null()), want: "{a,b,c}"},
		{name: "string_to_array whole", build: fn("string_to_array", lit("a,b"), lit("")), want: `{"a,b"}`},
		{name: "string_to_array empty", build: fn("string_to_array", lit(""), lit(",")), want: "{}"},
		{name: "string_to_array null", build: fn("string_to_array", null(), lit(",")), want: "NULL"},
		{name: "subscript", build: fn("array_subscript", arr(lit("a"), lit("b")), i4(2)), want: "b"},
		{name: "subscript out of range", build: fn("array_subscript", arr(lit("a"), lit("b")), i4(3)), want: "NULL"},
		{name: "subscript zero", build: fn("array_subscript", arr(i4(5)), i8(0)), want: "NULL"},
		{name: "parse_ident", build: fn("parse_ident", lit(`Public."My ""T"""`)), want: `{public,"My \"T\""}`},
		{name: "parse_ident one", build: fn("parse_ident", lit("events")), want: "{events}"},
		{name: "parse_ident lax", build: fn("parse_ident", lit("a.b()"), typed("f", types.Bool)), want: "{a,b}"},
		{name: "text[] || text[]", build: bin("||", typed("{a}", types.ArrayOf(types.Varchar)), typed("{b,c}", types.ArrayOf(types.Varchar))), want: "{a,b,c}"},
		{name: "text[] || text", build: bin("||", typed("{a}", types.ArrayOf(types.Varchar)), txt("b")), want: "{a,b}"},
		{name: "NULL text[] || text[]", build: bin("||", must(NewCast(null(), types.ArrayOf(types.Varchar))), typed("{b}", types.ArrayOf(types.Varchar))), want: "{b}"},
	})
}
