package tests

import (
	"context"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/tests/sltrun"
)

// psqlCase is one psql command and the lines its unaligned output (-A) must contain, in order. A
// wanted line is matched exactly, as a prefix when it ends in "*", or as a substring when it starts
// with "~" (ignoring case: the engine may keep a view's text in either). absent lists substrings
// that must not appear anywhere.
type psqlCase struct {
	name   string
	cmd    string
	want   []string
	absent []string
	// needs names a setup statement the case depends on; if it failed, the case is skipped.
	needs string
}

// psqlSetup creates one relation of each kind the meta-commands list. Statements marked optional
// may fail while the engine lacks the feature; cases that need them are skipped.
var psqlSetup = []struct {
	name, sql string
	optional  bool
}{
	{"t", `CREATE TABLE t (id int PRIMARY KEY, name varchar NOT NULL DEFAULT 'x', ts timestamptz, v double precision)`, false},
	{"u", `CREATE TABLE u (a bigint, b varchar)`, false},
	{"v1", `CREATE VIEW v1 AS SELECT id, name FROM t`, false},
	{"comment", `COMMENT ON TABLE t IS 'a table'`, false},
	{"m1", `CREATE MATERIALIZED VIEW m1 AS SELECT count(*) AS c FROM t`, true},
}

var psqlCases = []psqlCase{
	{name: "dt", cmd: `\dt`, want: []string{"List of relations", "Schema|Name|Type|Owner",
		"public|t|table|root", "public|u|table|root", "(2 rows)"}},
	{name: "dt_plus", cmd: `\dt+`, want: []string{"Schema|Name|Type|Owner|Persistence|Access method|Size|Description",
		"public|t|table|root|permanent|heap|0 bytes|a table", "public|u|table|root|permanent|heap|0 bytes|", "(2 rows)"}},
	{name: "dp", cmd: `\dp`, want: []string{"Access privileges", "public|t|table|||"}, absent: []string{"information_schema", "pg_catalog"}},
	{name: "sv", cmd: `\sv v1`, want: []string{"CREATE OR REPLACE VIEW public.v1 AS", "~FROM t"}},
	{name: "dv", cmd: `\dv`, want: []string{"Schema|Name|Type|Owner", "public|v1|view|root", "(1 row)"}},
	{name: "dm", cmd: `\dm`, needs: "m1", want: []string{"Schema|Name|Type|Owner", "public|m1|materialized view|root", "(1 row)"}},
	{name: "d", cmd: `\d`, want: []string{"Schema|Name|Type|Owner", "public|t|table|root", "public|u|table|root",
		"public|v1|view|root"}, absent: []string{"pg_catalog", "information_schema"}},
	{name: "d_table", cmd: `\d t`, want: []string{`Table "public.t"`, "Column|Type|Collation|Nullable|Default",
		"id|integer||not null|", "name|character varying||not null|'x'::character varying", "ts|timestamp with time zone|||",
		"v|double precision|||", "Indexes:", `    "t_pkey" PRIMARY KEY, btree (id)`}},
	{name: "d_plus_table", cmd: `\d+ t`, want: []string{`Table "public.t"`,
		"Column|Type|Collation|Nullable|Default|Storage|Stats target|Description",
		"id|integer||not null||plain||", "name|character varying||not null|'x'::character varying|extended||",
		"ts|timestamp with time zone||||plain||", "v|double precision||||plain||", "Indexes:",
		`    "t_pkey" PRIMARY KEY, btree (id)`, "Access method: heap"}},
	{name: "d_table_without_key", cmd: `\d u`, want: []string{`Table "public.u"`, "a|bigint|||", "b|character varying|||"},
		absent: []string{"_row_id", "Indexes:"}},
	{name: "d_view", cmd: `\d v1`, want: []string{`View "public.v1"`, "Column|Type|Collation|Nullable|Default",
		"id|integer|||", "name|character varying|||"}},
	{name: "d_plus_view", cmd: `\d+ v1`, want: []string{`View "public.v1"`, "Column|Type|Collation|Nullable|Default|Storage|Description",
		"id|integer||||plain|", "name|character varying||||extended|", "View definition:", "~FROM t"}},
	{name: "l", cmd: `\l`, want: []string{"List of databases", "Name|Owner|Encoding|Collate|Ctype*", "dev|root|UTF8|C|C|*"}},
	{name: "dn", cmd: `\dn`, want: []string{"List of schemas", "Name|Owner", "public|root", "(1 row)"}},
	{name: "df", cmd: `\df`, want: []string{"List of functions", "Schema|Name|Result data type|Argument data types|Type", "(0 rows)"}},
	{name: "du", cmd: `\du`, want: []string{"List of roles", "Role name|Attributes|Member of",
		"root|Superuser, Create role, Create DB, Replication, Bypass RLS|{}"}},
	{name: "information_schema.tables", cmd: `SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
		want: []string{"table_name|table_type", "t|BASE TABLE", "u|BASE TABLE", "v1|VIEW"}},
	{name: "information_schema.columns", cmd: `SELECT column_name, ordinal_position, is_nullable, data_type, udt_name FROM information_schema.columns WHERE table_name = 't' ORDER BY 2`,
		want: []string{"id|1|NO|integer|int4", "name|2|NO|character varying|varchar", "ts|3|YES|timestamp with time zone|timestamptz",
			"v|4|YES|double precision|float8", "(4 rows)"}},
	{name: "information_schema.key_column_usage", cmd: `SELECT constraint_name, column_name FROM information_schema.key_column_usage WHERE table_name = 't'`,
		want: []string{"t_pkey|id", "(1 row)"}},
	{name: "pg_settings", cmd: `SELECT name, setting, context FROM pg_settings WHERE name IN ('server_version', 'TimeZone') ORDER BY 1`,
		want: []string{"name|setting|context", "TimeZone|UTC|user", "server_version|13.14.0|internal", "(2 rows)"}},
	{name: "regclass and regtype print as names", cmd: `SELECT 't'::regclass, 't'::regclass::oid::regclass, 'information_schema.tables'::regclass, 23::regtype, 0::regclass, 't'::regclass::text AS name`,
		want: []string{"t|t|information_schema.tables|integer|-|t", "(1 row)"}},
	{name: "obj_description", cmd: `SELECT obj_description('t'::regclass, 'pg_class'), obj_description('u'::regclass, 'pg_class') IS NULL`,
		want: []string{"a table|t"}},
	{name: "generate_series and unnest", cmd: `SELECT g, u FROM generate_series(1, 2) g, unnest(ARRAY['a', 'b']) u ORDER BY 1, 2`,
		want: []string{"g|u", "1|a", "1|b", "2|a", "2|b", "(4 rows)"}},
	{name: "pg_description", cmd: `SELECT d.description FROM pg_catalog.pg_description d JOIN pg_catalog.pg_class c ON c.oid = d.objoid WHERE c.relname = 't'`,
		want: []string{"a table", "(1 row)"}},
}

// TestPsqlMetaCommands runs psql's meta-commands (\d, \dt, \l, ...) against a fresh server and
// checks what psql prints: they run psql's own catalog queries, so this tests the virtual pg_catalog
// relations the way users meet them.
func TestPsqlMetaCommands(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("psql is not installed")
	}
	srv, err := sltrun.StartProcess(context.Background(), runnelBinary(t), t.TempDir())
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop server: %v", err)
		}
		if t.Failed() {
			t.Logf("server log (tail):\n%s", tail(srv.Logs(), 8<<10))
		}
	}()
	host, port, err := net.SplitHostPort(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	conn := "host=" + host + " port=" + port + " user=root dbname=dev sslmode=disable connect_timeout=10"
	run := func(cmd string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, psql, conn, "-X", "-A", "-v", "ON_ERROR_STOP=1", "-c", cmd).CombinedOutput()
		return string(out), err
	}

	failed := map[string]string{}
	for _, s := range psqlSetup {
		out, err := run(s.sql)
		if err != nil || strings.Contains(out, "ERROR") {
			if !s.optional {
				t.Fatalf("setup %s: %v\n%s", s.sql, err, out)
			}
			failed[s.name] = strings.TrimSpace(out)
		}
	}

	for _, tc := range psqlCases {
		t.Run(tc.name, func(t *testing.T) {
			if why, ok := failed[tc.needs]; ok && tc.needs != "" {
				t.Skipf("setup %q failed: %s", tc.needs, why)
			}
			out, _ := run(tc.cmd)
			problem := checkPsqlOutput(out, tc.want, tc.absent)
			if problem == "" {
				return
			}
			t.Errorf("psql -c %q: %s\noutput:\n%s", tc.cmd, problem, out)
		})
	}
}

// checkPsqlOutput returns what is wrong with out, or "".
func checkPsqlOutput(out string, want, absent []string) string {
	if strings.Contains(out, "ERROR") {
		return "output has an error"
	}
	for _, a := range absent {
		if strings.Contains(out, a) {
			return "output contains " + a
		}
	}
	lines := strings.Split(out, "\n")
	i := 0
	for _, w := range want {
		for i < len(lines) && !lineMatches(lines[i], w) {
			i++
		}
		if i == len(lines) {
			return "no line " + w + " (in order)"
		}
		i++
	}
	return ""
}

func lineMatches(line, want string) bool {
	switch {
	case strings.HasPrefix(want, "~"):
		return strings.Contains(strings.ToLower(line), strings.ToLower(want[1:]))
	case strings.HasSuffix(want, "*"):
		return strings.HasPrefix(line, want[:len(want)-1])
	case strings.Contains(want, "|~"):
		// "prefix|~substring": the line starts with prefix| and contains substring after it.
		pre, sub, _ := strings.Cut(want, "|~")
		return strings.HasPrefix(line, pre+"|") && strings.Contains(line[len(pre)+1:], sub)
	}
	return line == want
}

func TestPsqlLineMatches(t *testing.T) {
	for _, tc := range []struct {
		line, want string
		ok         bool
	}{
		{"id|integer||not null|", "id|integer||not null|", true},
		{"id|integer||not null|", "id|integer||not null", false},
		{"dev|root|UTF8|C|C||libc|", "dev|root|UTF8|C|C|*", true},
		{" SELECT id FROM t;", "~FROM t", true},
		{"name|character varying||not null|'x'::character varying", "name|character varying||not null|~'x'", true},
		{"name|character varying||not null|", "name|character varying||not null|~'x'", false},
	} {
		if got := lineMatches(tc.line, tc.want); got != tc.ok {
			t.Errorf("lineMatches(%q, %q) = %v", tc.line, tc.want, got)
		}
	}
}
