package clients

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// psqlSteps are psql inputs and the lines of unaligned output (-A) each must print, in order. A line
// ending in "*" matches as a prefix. tests/psql_test.go covers the \d family in depth; this is the
// everyday session: listing, expanded output, timing and COPY out.
var psqlSteps = []struct {
	name  string
	input string
	want  []string
}{
	{"setup", `CREATE TABLE readings (id int PRIMARY KEY, sensor varchar, ts timestamptz, v double precision);
INSERT INTO readings VALUES (1, 'a,b', '2024-01-01 00:00:00+00', 1.5), (2, NULL, NULL, NULL), (3, 'say "hi"', '2024-01-01 00:01:00+00', 2.25);
CREATE MATERIALIZED VIEW per_sensor AS SELECT sensor, count(*) AS n FROM readings GROUP BY sensor;
CREATE VIEW recent AS SELECT id, ts FROM readings;
FLUSH;`, []string{"CREATE TABLE", "INSERT 0 3", "CREATE_MATERIALIZED_VIEW", "CREATE VIEW", "FLUSH"}},
	{"d", `\d`, []string{"Schema|Name|Type|Owner", "public|per_sensor|materialized view|root", "public|readings|table|root", "public|recent|view|root"}},
	{"d_plus", `\d+ readings`, []string{`Table "public.readings"`, "Column|Type|Collation|Nullable|Default|Storage|Stats target|Description",
		"id|integer||not null||plain||", "sensor|character varying||||extended||", "Indexes:", `    "readings_pkey" PRIMARY KEY, btree (id)`}},
	{"dt", `\dt`, []string{"public|readings|table|root", "(1 row)"}},
	{"dv", `\dv`, []string{"public|recent|view|root", "(1 row)"}},
	{"dm", `\dm`, []string{"public|per_sensor|materialized view|root", "(1 row)"}},
	{"l", `\l`, []string{"List of databases", "dev|root|UTF8|*"}},
	{"dn", `\dn`, []string{"public|root"}},
	{"df", `\df`, []string{"Schema|Name|Result data type|Argument data types|Type", "(0 rows)"}},
	{"x", "\\x on\nSELECT id, sensor FROM readings WHERE id = 1;\n\\x off", []string{"Expanded display is on.", "id|1", "sensor|a,b", "Expanded display is off."}},
	{"timing", "\\timing on\nSELECT count(*) FROM readings;\n\\timing off", []string{"Timing is on.", "count", "3", "Time: *", "Timing is off."}},
	{"copy_text", `COPY readings TO STDOUT;`, []string{"1\ta,b\t2024-01-01 00:00:00+00\t1.5", "2\t\\N\t\\N\t\\N", "3\tsay \"hi\"\t2024-01-01 00:01:00+00\t2.25"}},
	{"copy_query_csv", `COPY (SELECT id, sensor, v FROM readings ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER);`,
		[]string{"id,sensor,v", `1,"a,b",1.5`, "2,,", `3,"say ""hi""",2.25`}},
	{"copy_options", `COPY readings (id, sensor) TO STDOUT WITH (FORMAT csv, DELIMITER '|', NULL 'NULL');`,
		[]string{"1|a,b", "2|NULL", `3|"say ""hi"""`}},
	{"backslash_copy", `\copy (SELECT sensor, n FROM per_sensor WHERE sensor IS NOT NULL ORDER BY 1) to stdout with csv header`,
		[]string{"sensor,n", `"a,b",1`, `"say ""hi""",1`}},
	{"backslash_copy_table", `\copy readings (id) to stdout`, []string{"1", "2", "3"}},
}

func TestPsql(t *testing.T) {
	psql := need(t, "psql")
	s := startServer(t)
	conn := "host=" + s.host + " port=" + s.port + " user=root dbname=dev sslmode=disable connect_timeout=10"
	run := func(input string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, psql, conn, "-X", "-A", "-v", "ON_ERROR_STOP=1", "-f", "-")
		cmd.Stdin = strings.NewReader(input)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	for _, step := range psqlSteps {
		out, err := run(step.input)
		if err != nil {
			t.Errorf("%s: psql failed: %v\n%s", step.name, err, out)
			continue
		}
		if problem := inOrder(out, step.want); problem != "" {
			t.Errorf("%s: %s\noutput:\n%s", step.name, problem, out)
		}
	}
	// COPY FROM is refused with a clear SQLSTATE, not a hang in copy-in mode.
	out, err := run("\\set VERBOSITY verbose\nCOPY readings FROM STDIN;\n")
	if err == nil || !strings.Contains(out, "0A000") {
		t.Errorf("COPY FROM STDIN: err %v, output:\n%s", err, out)
	}
}

// inOrder checks that want's lines appear in out's lines in order, returning what is missing.
func inOrder(out string, want []string) string {
	lines := strings.Split(out, "\n")
	i := 0
	for _, w := range want {
		found := false
		for ; i < len(lines); i++ {
			l := lines[i]
			if l == w || (strings.HasSuffix(w, "*") && strings.HasPrefix(l, strings.TrimSuffix(w, "*"))) {
				found, i = true, i+1
				break
			}
		}
		if !found {
			return "missing line (in order): " + w
		}
	}
	return ""
}
