package sql

import (
	"reflect"
	"testing"

	"github.com/runnel-db/runnel/pgerr"
)

func TestErrors(t *testing.T) {
	cases := []struct {
		in   string
		code string
		msg  string
		pos  int
	}{
		{"selec 1", pgerr.SyntaxError, `syntax error at or near "selec"`, 1},
		{"select 1 from", pgerr.SyntaxError, "syntax error at end of input", 14},
		{"select 1; select from where", pgerr.SyntaxError, `syntax error at or near "where"`, 23},
		{"select 'abc", pgerr.SyntaxError, `unterminated quoted string at or near "'abc"`, 8},
		{"select 'é', x from", pgerr.SyntaxError, "syntax error at end of input", 19},
		{"select 1::foo", pgerr.UndefinedObject, `type "foo" does not exist`, 11},
		{"create table t (a foo)", pgerr.UndefinedObject, `type "foo" does not exist`, 19},
		{"insert into t values (1) on conflict do nothing", pgerr.FeatureNotSupported, "ON CONFLICT is not supported", 26},
		{"create table t (a int unique)", pgerr.FeatureNotSupported, "UNIQUE constraints is not supported", 23},
		{"create table t (a int primary key, b int, primary key (b))", "42P16", `multiple primary keys for table "t" are not allowed`, 43},
		{"with recursive r as (select 1) select * from r", pgerr.FeatureNotSupported, "WITH RECURSIVE is not supported", 1},
		{"select * from t for update", pgerr.FeatureNotSupported, "SELECT FOR UPDATE/SHARE is not supported", 0},
		{"select a from t group by rollup(a)", pgerr.FeatureNotSupported, "GROUPING SETS, ROLLUP and CUBE is not supported", 26},
		{"create source s (a int, watermark for a as a +) with (connector = 'x')", pgerr.SyntaxError, "syntax error at end of input", 47},
		{"create source s (a int, b foo) with (connector = 'x')", pgerr.UndefinedObject, `type "foo" does not exist`, 27},
		{"create source s (a int) with (connector 'x')", pgerr.SyntaxError, `syntax error at or near "'x'"`, 41},
		{"create source s (a int) with (connector = 'x') format plain", pgerr.SyntaxError, "syntax error at end of input", 60},
		{"create sink s as select 1", pgerr.SyntaxError, "syntax error at end of input", 26},
		{"create materialized view m as selec 1 emit on window close", pgerr.SyntaxError, `syntax error at or near "selec"`, 31},
		{"show create schema s", pgerr.SyntaxError, `syntax error at or near "schema"`, 13},
		{"flush now", pgerr.SyntaxError, `syntax error at or near "now"`, 7},
		// Positions count characters, also where pg_query saw a masked copy or a part of the text.
		{"select 'é€', x from", pgerr.SyntaxError, "syntax error at end of input", 20},
		{`create source "é€" (a int, b foo) with (connector = 'x')`, pgerr.UndefinedObject, `type "foo" does not exist`, 30},
		{`create source "é€" (watermark for a as 'é' ++, a int) with (connector = 'x')`, pgerr.SyntaxError, "syntax error at end of input", 46},
		{`create sink "é€" as select 'é' from where with (connector = 'x')`, pgerr.SyntaxError, `syntax error at or near "where"`, 37},
		{"select 1; select 2", pgerr.SyntaxError, "cannot insert multiple commands into a prepared statement", 0},
		{"", pgerr.SyntaxError, "empty query", 0},
	}
	for _, c := range cases {
		_, err := ParseOne(c.in)
		if err == nil {
			t.Errorf("%q: no error", c.in)
			continue
		}
		e := pgerr.As(err)
		if e.Code != c.code || e.Message != c.msg || e.Position != c.pos {
			t.Errorf("%q:\n got %s %q at %d\nwant %s %q at %d", c.in, e.Code, e.Message, e.Position, c.code, c.msg, c.pos)
		}
	}
}

func TestParseMany(t *testing.T) {
	ps, err := Parse("select $2; -- c\n/* x */ show tables ; ; create source s (a int) with (connector = 'x');select $1")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	var params []int
	for _, p := range ps {
		texts = append(texts, p.Text)
		params = append(params, p.NumParams)
	}
	wantTexts := []string{"select $2", "show tables", "create source s (a int) with (connector = 'x')", "select $1"}
	if !reflect.DeepEqual(texts, wantTexts) || !reflect.DeepEqual(params, []int{2, 0, 0, 1}) {
		t.Errorf("got %q %v", texts, params)
	}
}

func TestSplit(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"select 1; select 2;", []string{"select 1", "select 2"}},
		{"select ';' ; select 'a;b'", []string{"select ';'", "select 'a;b'"}},
		{"create function f() returns int as $$ select 1; $$ language sql; select 2", []string{"create function f() returns int as $$ select 1; $$ language sql", "select 2"}},
		{"-- only a comment\n; select 1 -- trailing\n; /* c; */", []string{"select 1 -- trailing"}},
		{"/* lead */ select \"a;b\" from t", []string{`select "a;b" from t`}},
		{"select e'\\';'; select 3", []string{`select e'\';'`, "select 3"}},
		{"  ;  ; ", nil},
		{"select 1; flush; describe t", []string{"select 1", "flush", "describe t"}},
		{"create source s (a int) with (connector = 'kafka', topic = 'x;y') format plain encode json; flush", []string{"create source s (a int) with (connector = 'kafka', topic = 'x;y') format plain encode json", "flush"}},
	}
	for _, c := range cases {
		got, err := Split(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if len(got) == 0 && len(c.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q:\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestNeverPanics feeds prefixes of every corpus statement: truncated input must give errors, never
// panics.
func TestNeverPanics(t *testing.T) {
	for _, q := range corpus {
		for i := 0; i < len(q); i += 7 {
			Parse(q[:i])
		}
	}
}
