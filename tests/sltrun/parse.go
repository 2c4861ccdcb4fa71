// Package sltrun reads sqllogictest files in the dialect of sqllogictest-rs (the one RisingWave's
// e2e tests use) and runs them against a PostgreSQL-protocol server.
//
// Beyond the upstream format it understands two records for persistence tests: `restart` (stop the
// server gracefully, start it again on the same data directory) and `kill` (SIGKILL it, then start it
// again). See tests/README.md.
package sltrun

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kind is the type of a record.
type Kind int

const (
	KindStatement Kind = iota
	KindQuery
	KindSystem
	KindSleep
	KindHalt
	KindSortMode     // control sortmode
	KindSubstitution // control substitution on|off
	KindRestart
	KindKill
)

// SortMode says how a query's rows are ordered before comparison.
type SortMode int

const (
	NoSort SortMode = iota
	RowSort
	ValueSort
)

func parseSortMode(s string) (SortMode, error) {
	switch s {
	case "nosort":
		return NoSort, nil
	case "rowsort":
		return RowSort, nil
	case "partialsort":
		// Seen in some RisingWave-derived files; without the column list a real partial sort
		// needs, sorting whole rows is the closest reading that never fails a correct result.
		return RowSort, nil
	case "valuesort":
		return ValueSort, nil
	}
	return 0, fmt.Errorf("invalid sort mode %q (want nosort, rowsort or valuesort)", s)
}

// Condition is an `onlyif <engine>` or `skipif <engine>` line in front of a record.
type Condition struct {
	Only   bool // onlyif; otherwise skipif
	Engine string
}

// Skip reports whether a record with these conditions is skipped on the named engine.
func Skip(conds []Condition, engine string) bool {
	for _, c := range conds {
		if c.Only != (c.Engine == engine) {
			return true
		}
	}
	return false
}

// ExpectedError is what a failing statement or query must report.
type ExpectedError struct {
	Regex *regexp.Regexp // inline, after `error`; nil with Text == "" means any error
	Text  string         // multi-line form under `----`, compared whole after normalising whitespace
}

// Record is one directive of a test file.
type Record struct {
	File string // path of the file it came from (an included file keeps its own name)
	Line int    // 1-based line of the record's first line

	Kind       Kind
	Conditions []Condition
	Connection string // "" for the default connection

	SQL     string // statement and query; the shell command for system
	WantErr *ExpectedError
	// Statement.
	HasCount bool
	Count    int64
	// Query.
	Types   string
	Sort    SortMode // for KindSortMode, the new default
	HasSort bool     // the query named a sort mode, overriding the default
	Label   string
	Results []string // expected lines, also expected stdout of system
	HasOut  bool     // system record compares stdout

	Sleep time.Duration
	On    bool // KindSubstitution
}

// Where is the record's position, file:line.
func (r *Record) Where() string { return fmt.Sprintf("%s:%d", r.File, r.Line) }

// ParseFile reads a file and every file it includes, in order.
func ParseFile(path string) ([]Record, error) {
	return parseFile(path, 0)
}

const maxIncludeDepth = 16

func parseFile(path string, depth int) ([]Record, error) {
	if depth > maxIncludeDepth {
		return nil, fmt.Errorf("%s: includes nested deeper than %d (a cycle?)", path, maxIncludeDepth)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read test file: %w", err)
	}
	include := func(r includeRef) ([]Record, error) {
		pattern := r.name
		if !filepath.IsAbs(pattern) {
			pattern = filepath.Join(filepath.Dir(path), pattern)
		}
		matches, err := filepath.Glob(pattern)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: include %q: %w", path, r.line, r.name, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%s:%d: include %q matches no file", path, r.line, r.name)
		}
		var out []Record
		for _, m := range matches {
			recs, err := parseFile(m, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, recs...)
		}
		return out, nil
	}
	return parse(path, string(data), include)
}

// Parse reads a script that may not include other files.
func Parse(name, script string) ([]Record, error) {
	return parse(name, script, func(r includeRef) ([]Record, error) {
		return nil, fmt.Errorf("%s:%d: include is only supported in files", name, r.line)
	})
}

type includeRef struct {
	name string
	line int
}

// lineReader hands out a script's lines with their numbers.
type lineReader struct {
	lines []string
	next  int // index of the next line
}

func (lr *lineReader) more() bool { return lr.next < len(lr.lines) }

func (lr *lineReader) pop() (string, int) {
	l := lr.lines[lr.next]
	lr.next++
	return l, lr.next
}

func (lr *lineReader) peek() (string, bool) {
	if !lr.more() {
		return "", false
	}
	return lr.lines[lr.next], true
}

// blank is the record separator. Upstream demands a truly empty line; we also accept one of spaces,
// which editors leave behind and which can never be meaningful in a result block.
func blank(line string) bool { return strings.TrimSpace(line) == "" }

func parse(name, script string, include func(includeRef) ([]Record, error)) ([]Record, error) {
	script = strings.ReplaceAll(script, "\r\n", "\n")
	lr := &lineReader{lines: strings.Split(script, "\n")}
	var (
		out        []Record
		conds      []Condition
		connection string
	)
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	for lr.more() {
		line, num := lr.pop()
		if strings.HasPrefix(line, "#") || blank(line) {
			continue
		}
		tok := strings.Fields(line)
		// A comment may follow a directive on the same line (`statement ok # why`); SQL and
		// results never share the directive's line, so cutting it is safe.
		for i, t := range tok {
			if strings.HasPrefix(t, "#") {
				tok = tok[:i]
				break
			}
		}
		rec := Record{File: name, Line: num}
		switch tok[0] {
		case "skipif", "onlyif":
			if len(tok) != 2 {
				return nil, fail(num, "%s takes one engine name", tok[0])
			}
			conds = append(conds, Condition{Only: tok[0] == "onlyif", Engine: tok[1]})
			continue
		case "connection":
			if len(tok) != 2 {
				return nil, fail(num, "connection takes one name")
			}
			connection = tok[1]
			if connection == "default" {
				connection = ""
			}
			continue
		case "include":
			if len(tok) != 2 {
				return nil, fail(num, "include takes one file name or glob")
			}
			recs, err := include(includeRef{name: tok[1], line: num})
			if err != nil {
				return nil, err
			}
			out = append(out, recs...)
			continue
		case "hash-threshold", "subtest":
			continue
		case "halt":
			rec.Kind = KindHalt
		case "restart":
			rec.Kind = KindRestart
		case "kill":
			rec.Kind = KindKill
		case "sleep":
			if len(tok) != 2 {
				return nil, fail(num, "sleep takes one duration")
			}
			d, err := parseDuration(tok[1])
			if err != nil {
				return nil, fail(num, "%v", err)
			}
			rec.Kind, rec.Sleep = KindSleep, d
		case "control":
			if len(tok) != 3 {
				return nil, fail(num, "invalid control line %q", line)
			}
			switch tok[1] {
			case "sortmode":
				m, err := parseSortMode(tok[2])
				if err != nil {
					return nil, fail(num, "%v", err)
				}
				rec.Kind, rec.Sort = KindSortMode, m
			case "substitution":
				if tok[2] != "on" && tok[2] != "off" {
					return nil, fail(num, "control substitution takes on or off")
				}
				rec.Kind, rec.On = KindSubstitution, tok[2] == "on"
			default:
				return nil, fail(num, "invalid control line %q", line)
			}
		case "statement":
			rec.Kind = KindStatement
			if len(tok) < 2 {
				return nil, fail(num, "statement needs ok, error or count")
			}
			switch tok[1] {
			case "ok":
				if len(tok) != 2 {
					return nil, fail(num, "invalid statement line %q", line)
				}
			case "count":
				if len(tok) != 3 {
					return nil, fail(num, "statement count takes one number")
				}
				n, err := strconv.ParseInt(tok[2], 10, 64)
				if err != nil || n < 0 {
					return nil, fail(num, "invalid count %q", tok[2])
				}
				rec.HasCount, rec.Count = true, n
			case "error":
				e, err := inlineError(line)
				if err != nil {
					return nil, fail(num, "%v", err)
				}
				rec.WantErr = e
			default:
				return nil, fail(num, "invalid statement line %q", line)
			}
			sql, delim, err := readBlock(lr, num, true)
			if err != nil {
				return nil, fail(num, "%v", err)
			}
			rec.SQL = sql
			if delim {
				if rec.WantErr == nil {
					return nil, fail(num, "a statement has no results; use query")
				}
				if rec.WantErr.Regex != nil {
					return nil, fail(num, "expected error given both after error and under ----")
				}
				rec.WantErr.Text = readMultilineError(lr)
			}
		case "query":
			rec.Kind = KindQuery
			if len(tok) >= 2 && tok[1] == "error" {
				e, err := inlineError(line)
				if err != nil {
					return nil, fail(num, "%v", err)
				}
				rec.WantErr = e
			} else if len(tok) >= 2 {
				rec.Types = tok[1]
				if len(tok) >= 3 {
					m, err := parseSortMode(tok[2])
					if err != nil {
						return nil, fail(num, "%v", err)
					}
					rec.Sort, rec.HasSort = m, true
				}
				if len(tok) >= 4 {
					rec.Label = tok[3]
				}
				if len(tok) > 4 {
					return nil, fail(num, "invalid query line %q", line)
				}
			}
			sql, delim, err := readBlock(lr, num, true)
			if err != nil {
				return nil, fail(num, "%v", err)
			}
			rec.SQL = sql
			if delim {
				if rec.WantErr != nil {
					if rec.WantErr.Regex != nil {
						return nil, fail(num, "expected error given both after error and under ----")
					}
					rec.WantErr.Text = readMultilineError(lr)
				} else {
					rec.Results = readResults(lr)
				}
			}
		case "system":
			if len(tok) != 2 || tok[1] != "ok" {
				return nil, fail(num, "invalid system line %q (want system ok)", line)
			}
			rec.Kind = KindSystem
			cmd, delim, err := readBlock(lr, num, true)
			if err != nil {
				return nil, fail(num, "%v", err)
			}
			rec.SQL = cmd
			if delim {
				rec.HasOut = true
				rec.Results = readResults(lr)
			}
		default:
			return nil, fail(num, "unknown record %q", line)
		}
		switch rec.Kind {
		case KindStatement, KindQuery, KindSystem:
			rec.Conditions, conds = conds, nil
			if rec.Kind != KindSystem {
				rec.Connection, connection = connection, ""
			}
		}
		out = append(out, rec)
	}
	return out, nil
}

// inlineError reads the regex after `statement error` / `query error`: the rest of the line, spaces
// included, as upstream joins the tokens back with single spaces.
func inlineError(line string) (*ExpectedError, error) {
	_, after, _ := strings.Cut(line, "error")
	re := strings.Join(strings.Fields(after), " ")
	if re == "" {
		return &ExpectedError{}, nil
	}
	r, err := regexp.Compile(re)
	if err != nil {
		return nil, fmt.Errorf("invalid error regex %q: %w", re, err)
	}
	return &ExpectedError{Regex: r}, nil
}

// readBlock reads the lines after a record header up to a blank line or, if delimOK, a `----`.
func readBlock(lr *lineReader, header int, delimOK bool) (string, bool, error) {
	var lines []string
	for lr.more() {
		line, _ := lr.pop()
		if blank(line) {
			break
		}
		if delimOK && strings.TrimRight(line, " \t") == "----" {
			return strings.Join(lines, "\n"), true, nil
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return "", false, fmt.Errorf("record has no body")
	}
	return strings.Join(lines, "\n"), false, nil
}

func readResults(lr *lineReader) []string {
	var out []string
	for lr.more() {
		line, _ := lr.pop()
		if blank(line) {
			break
		}
		out = append(out, line)
	}
	return out
}

// readMultilineError reads an error message under `----`. The message may itself contain empty
// lines, so (as upstream) it ends at two consecutive blank lines or at the end of the file.
func readMultilineError(lr *lineReader) string {
	var lines []string
	for lr.more() {
		line, _ := lr.pop()
		if blank(line) {
			if next, ok := lr.peek(); !ok || blank(next) {
				if ok {
					lr.pop()
				}
				break
			}
		}
		lines = append(lines, line)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// parseDuration accepts Go durations plus the humantime spellings upstream files use ("1sec",
// "2min", "1day").
func parseDuration(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i > 0 {
		unit := map[string]string{"sec": "s", "secs": "s", "second": "s", "seconds": "s", "msec": "ms",
			"min": "m", "mins": "m", "minute": "m", "minutes": "m", "hr": "h", "hour": "h", "hours": "h"}[s[i:]]
		if unit != "" {
			if d, err := time.ParseDuration(s[:i] + unit); err == nil {
				return d, nil
			}
		}
	}
	return 0, fmt.Errorf("invalid duration %q", s)
}
