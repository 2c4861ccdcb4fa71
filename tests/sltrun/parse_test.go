package sltrun

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// summary renders the fields of a record that a test case cares about, compactly.
func summary(r Record) string {
	var b strings.Builder
	kinds := map[Kind]string{KindStatement: "statement", KindQuery: "query", KindSystem: "system",
		KindSleep: "sleep", KindHalt: "halt", KindSortMode: "sortmode", KindSubstitution: "subst",
		KindRestart: "restart", KindKill: "kill"}
	b.WriteString(kinds[r.Kind])
	add := func(k, v string) { b.WriteString(" " + k + "=" + v) }
	add("line", strconv.Itoa(r.Line))
	if r.SQL != "" {
		add("sql", strings.ReplaceAll(r.SQL, "\n", `\n`))
	}
	if r.WantErr != nil {
		switch {
		case r.WantErr.Regex != nil:
			add("err", "/"+r.WantErr.Regex.String()+"/")
		case r.WantErr.Text != "":
			add("err", strings.ReplaceAll(r.WantErr.Text, "\n", `\n`))
		default:
			add("err", "any")
		}
	}
	if r.HasCount {
		add("count", strconv.Itoa(int(r.Count)))
	}
	if r.Types != "" {
		add("types", r.Types)
	}
	if r.HasSort || r.Kind == KindSortMode {
		add("sort", []string{"nosort", "rowsort", "valuesort"}[r.Sort])
	}
	if r.Label != "" {
		add("label", r.Label)
	}
	if r.Results != nil || r.HasOut {
		add("results", strings.Join(r.Results, "|"))
	}
	for _, c := range r.Conditions {
		if c.Only {
			add("onlyif", c.Engine)
		} else {
			add("skipif", c.Engine)
		}
	}
	if r.Connection != "" {
		add("conn", r.Connection)
	}
	if r.Kind == KindSleep {
		add("dur", r.Sleep.String())
	}
	if r.Kind == KindSubstitution {
		add("on", map[bool]string{true: "true", false: "false"}[r.On])
	}
	return b.String()
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		script  string
		want    []string
		wantErr string
	}{
		{
			name:   "statement ok",
			script: "statement ok\nCREATE TABLE t (a int)\n",
			want:   []string{"statement line=1 sql=CREATE TABLE t (a int)"},
		},
		{
			name:   "multi-line sql and comments",
			script: "# leading comment\n\nstatement ok\nINSERT INTO t\nVALUES (1)\n\n# trailing\n",
			want:   []string{`statement line=3 sql=INSERT INTO t\nVALUES (1)`},
		},
		{
			name:   "statement count",
			script: "statement count 3\nINSERT INTO t VALUES (1),(2),(3)",
			want:   []string{"statement line=1 sql=INSERT INTO t VALUES (1),(2),(3) count=3"},
		},
		{
			name:   "statement error with regex keeps spaces",
			script: "statement error table .* not found\nSELECT * FROM nope\n",
			want:   []string{"statement line=1 sql=SELECT * FROM nope err=/table .* not found/"},
		},
		{
			name:   "statement error any",
			script: "statement error\nSELECT 1/0\n",
			want:   []string{"statement line=1 sql=SELECT 1/0 err=any"},
		},
		{
			name: "statement error multi-line ends at two blank lines",
			script: "statement error\nSELECT x\n----\ndb error: ERROR: Failed\n\nCaused by:\n  column x not found\n\n\n" +
				"statement ok\nSELECT 1\n",
			want: []string{
				`statement line=1 sql=SELECT x err=db error: ERROR: Failed\n\nCaused by:\n  column x not found`,
				"statement line=10 sql=SELECT 1",
			},
		},
		{
			name:   "multi-line error at end of file",
			script: "query error\nSELECT x\n----\nboom\n",
			want:   []string{"query line=1 sql=SELECT x err=boom"},
		},
		{
			name:   "query with results",
			script: "query IT\nSELECT 1, 'a'\n----\n1 a\n2 b\n\nquery I\nSELECT 3\n----\n3\n",
			want: []string{
				"query line=1 sql=SELECT 1, 'a' types=IT results=1 a|2 b",
				"query line=7 sql=SELECT 3 types=I results=3",
			},
		},
		{
			name:   "query sort mode and label",
			script: "query I rowsort lbl\nSELECT 1\n----\n1\n",
			want:   []string{"query line=1 sql=SELECT 1 types=I sort=rowsort label=lbl results=1"},
		},
		{
			name:   "query valuesort and partialsort",
			script: "query I valuesort\nSELECT 1\n----\n1\n\nquery I partialsort\nSELECT 2\n----\n2\n",
			want: []string{
				"query line=1 sql=SELECT 1 types=I sort=valuesort results=1",
				"query line=6 sql=SELECT 2 types=I sort=rowsort results=2",
			},
		},
		{
			name:   "query without results block",
			script: "query I\nSELECT 1 WHERE false\n",
			want:   []string{"query line=1 sql=SELECT 1 WHERE false types=I"},
		},
		{
			name:   "query error inline",
			script: "query error division by zero\nSELECT 1/0\n",
			want:   []string{"query line=1 sql=SELECT 1/0 err=/division by zero/"},
		},
		{
			name:   "conditions and connection apply to the next record only",
			script: "skipif postgres\nonlyif runnel\nconnection other\nstatement ok\nSELECT 1\n\nstatement ok\nSELECT 2\n",
			want: []string{
				"statement line=4 sql=SELECT 1 skipif=postgres onlyif=runnel conn=other",
				"statement line=7 sql=SELECT 2",
			},
		},
		{
			name:   "connection default",
			script: "connection default\nstatement ok\nSELECT 1\n",
			want:   []string{"statement line=2 sql=SELECT 1"},
		},
		{
			name:   "controls, sleep, halt, ignored directives",
			script: "hash-threshold 8\ncontrol sortmode rowsort\ncontrol substitution on\nsubtest x\nsleep 100ms\nsleep 2sec\nhalt\n",
			want: []string{
				"sortmode line=2 sort=rowsort",
				"subst line=3 on=true",
				"sleep line=5 dur=100ms",
				"sleep line=6 dur=2s",
				"halt line=7",
			},
		},
		{
			name:   "restart and kill",
			script: "statement ok\nINSERT INTO t VALUES (1)\n\nrestart\n\nkill\n\nquery I\nSELECT a FROM t\n----\n1\n",
			want: []string{
				"statement line=1 sql=INSERT INTO t VALUES (1)",
				"restart line=4",
				"kill line=6",
				"query line=8 sql=SELECT a FROM t types=I results=1",
			},
		},
		{
			name:   "system with output",
			script: "system ok\necho hi\n----\nhi\n\nsystem ok\ntrue\n",
			want: []string{
				"system line=1 sql=echo hi results=hi",
				"system line=6 sql=true",
			},
		},
		{
			name:   "crlf and whitespace-only separators",
			script: "statement ok\r\nSELECT 1\r\n   \r\nstatement ok\r\nSELECT 2\r\n",
			want: []string{
				"statement line=1 sql=SELECT 1",
				"statement line=4 sql=SELECT 2",
			},
		},
		{
			name:   "trailing comment on a directive",
			script: "statement ok # why\nSELECT 1\n",
			want:   []string{"statement line=1 sql=SELECT 1"},
		},
		{name: "unknown record", script: "statment ok\nSELECT 1\n", wantErr: "t.slt:1: unknown record"},
		{name: "statement with results", script: "statement ok\nSELECT 1\n----\n1\n", wantErr: "use query"},
		{name: "duplicate error", script: "statement error boom\nSELECT 1\n----\nboom\n", wantErr: "both"},
		{name: "bad regex", script: "statement error (\nSELECT 1\n", wantErr: "invalid error regex"},
		{name: "bad count", script: "statement count x\nSELECT 1\n", wantErr: "invalid count"},
		{name: "bad sort mode", script: "query I sideways\nSELECT 1\n", wantErr: "invalid sort mode"},
		{name: "missing body", script: "statement ok\n", wantErr: "no body"},
		{name: "bad duration", script: "sleep soon\n", wantErr: "invalid duration"},
		{name: "bad control", script: "control sortmode\n", wantErr: "invalid control"},
		{name: "include without file", script: "include other.slt\n", wantErr: "only supported in files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := Parse("t.slt", tt.script)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var got []string
			for _, r := range recs {
				got = append(got, summary(r))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("records:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestParseFileInclude(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.slt", "statement ok\nSELECT 0\n\ninclude parts/*.slt.part\n\nstatement ok\nSELECT 3\n")
	write("parts/a.slt.part", "statement ok\nSELECT 1\n")
	write("parts/b.slt.part", "\n\nstatement ok\nSELECT 2\n")
	write("loop.slt", "include loop.slt\n")
	write("missing.slt", "include nothing*.slt\n")

	recs, err := ParseFile(filepath.Join(dir, "main.slt"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, filepath.Base(r.File)+":"+strconv.Itoa(r.Line)+" "+r.SQL)
	}
	want := "main.slt:1 SELECT 0|a.slt.part:1 SELECT 1|b.slt.part:3 SELECT 2|main.slt:6 SELECT 3"
	if strings.Join(got, "|") != want {
		t.Errorf("records = %s, want %s", strings.Join(got, "|"), want)
	}

	for name, wantErr := range map[string]string{"loop.slt": "nested deeper", "missing.slt": "matches no file", "absent.slt": "no such file"} {
		if _, err := ParseFile(filepath.Join(dir, name)); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ParseFile(%s) error = %v, want one containing %q", name, err, wantErr)
		}
	}
}

func TestSkip(t *testing.T) {
	tests := []struct {
		conds []Condition
		want  bool
	}{
		{nil, false},
		{[]Condition{{Only: true, Engine: "runnel"}}, false},
		{[]Condition{{Only: true, Engine: "risingwave"}}, true},
		{[]Condition{{Only: false, Engine: "runnel"}}, true},
		{[]Condition{{Only: false, Engine: "postgres"}}, false},
		{[]Condition{{Only: true, Engine: "runnel"}, {Only: false, Engine: "runnel"}}, true},
	}
	for _, tt := range tests {
		if got := Skip(tt.conds, EngineName); got != tt.want {
			t.Errorf("Skip(%+v) = %v, want %v", tt.conds, got, tt.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"1s", time.Second, true},
		{"250ms", 250 * time.Millisecond, true},
		{"2sec", 2 * time.Second, true},
		{"1min", time.Minute, true},
		{"1.5s", 1500 * time.Millisecond, true},
		{"soon", 0, false},
		{"5parsecs", 0, false},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
