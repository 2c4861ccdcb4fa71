package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Query is one Nexmark query file: statements to run in order, the last of which creates the
// materialized view that is measured, and the Nexmark tables it reads.
type Query struct {
	Name       string   // q5
	Statements []string // setup (CREATE FUNCTION ...) first, the measured CREATE MATERIALIZED VIEW last
	Tables     []string // person, auction, bid: the sources whose records the view will consume
	// Scans names the source of every scan in the view, a table as often as it is read (q5 and
	// q7 read bid twice). Each scan's rows enter the view through an ingress of its own, counted
	// in runnel_view_rows_in_total, whether or not the scans share a reader: the harness waits
	// for them all.
	Scans []string
	View  string // the measured view's name, whose runnel_view_rows_in_total counts every scan
}

// LoadQueries reads dir/<name>.sql for every name, in the order given.
func LoadQueries(dir string, names []string) ([]Query, error) {
	out := make([]Query, 0, len(names))
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name+".sql"))
		if err != nil {
			return nil, err
		}
		q, err := ParseQuery(name, string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, q)
	}
	return out, nil
}

// AllQueryNames lists the query files in dir in Nexmark order (q2 before q10).
func AllQueryNames(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "q*.sql"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".sql"))
	}
	slices.SortFunc(names, func(a, b string) int { return queryNumber(a) - queryNumber(b) })
	return names, nil
}

func queryNumber(name string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(name, "q"))
	if err != nil {
		return 1 << 30
	}
	return n
}

// ParseQuery splits a query file into statements and finds the tables it reads.
func ParseQuery(name, text string) (Query, error) {
	stmts := SplitStatements(text)
	if len(stmts) == 0 {
		return Query{}, fmt.Errorf("no statements")
	}
	last := stmts[len(stmts)-1]
	if !mvRE.MatchString(last) {
		return Query{}, fmt.Errorf("the last statement must be CREATE MATERIALIZED VIEW, got %.40q", last)
	}
	tables, scans := ReadTables(last), ReadScans(last)
	if len(tables) == 0 {
		return Query{}, fmt.Errorf("reads none of person, auction, bid")
	}
	view := ""
	if m := mvNameRE.FindStringSubmatch(last); m != nil {
		view = strings.ToLower(m[1])
	}
	return Query{Name: name, Statements: stmts, Tables: tables, Scans: scans, View: view}, nil
}

var (
	mvRE     = regexp.MustCompile(`(?is)^\s*create\s+materialized\s+view\b`)
	mvNameRE = regexp.MustCompile(`(?is)^\s*create\s+materialized\s+view\s+(?:if\s+not\s+exists\s+)?"?(\w+)`)
)

// A Nexmark table appears in a query after FROM or JOIN (perhaps inside HOP( or TUMBLE( ), or
// after the comma of a comma join. Column names (bid.auction, B.auction) never follow those.
var (
	fromRE  = regexp.MustCompile(`(?i)\b(?:from|join)\s+(?:(?:hop|tumble)\s*\(\s*)?(person|auction|bid)\b`)
	commaRE = regexp.MustCompile(`(?i)\bfrom\s+(?:person|auction|bid)(?:\s+(?:as\s+)?\w+)?\s*,\s*(person|auction|bid)\b`)
)

// ReadTables returns the Nexmark tables a view definition reads, in person, auction, bid order. The
// harness waits for exactly these sources' records, since only they get readers.
func ReadTables(sql string) []string {
	seen := map[string]bool{}
	for _, re := range []*regexp.Regexp{fromRE, commaRE} {
		for _, m := range re.FindAllStringSubmatch(stripComments(sql), -1) {
			seen[strings.ToLower(m[1])] = true
		}
	}
	var out []string
	for _, t := range tableTypes {
		if seen[t] {
			out = append(out, t)
		}
	}
	return out
}

// ReadScans returns the Nexmark table of every FROM or JOIN item of a view definition, in
// person, auction, bid order, a table once per time it is read.
func ReadScans(sql string) []string {
	count := map[string]int{}
	for _, re := range []*regexp.Regexp{fromRE, commaRE} {
		for _, m := range re.FindAllStringSubmatch(stripComments(sql), -1) {
			count[strings.ToLower(m[1])]++
		}
	}
	var out []string
	for _, t := range tableTypes {
		for range count[t] {
			out = append(out, t)
		}
	}
	return out
}

func stripComments(sql string) string {
	var b strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// SplitStatements splits SQL text at semicolons outside quotes, dollar-quoted bodies and comments.
// Statements are returned trimmed; comment-only pieces are dropped.
func SplitStatements(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\'' || c == '"':
			i = skipPast(text, i+1, string(c))
		case c == '-' && strings.HasPrefix(text[i:], "--"):
			i = skipPast(text, i, "\n") - 1
		case c == '$' && strings.HasPrefix(text[i:], "$$"):
			i = skipPast(text, i+2, "$$")
		case c == ';':
			out = appendStatement(out, text[start:i])
			start = i + 1
		}
	}
	return appendStatement(out, text[start:])
}

// skipPast returns the index of the last byte of the first end at or after i (len(s)-1 if none).
func skipPast(s string, i int, end string) int {
	j := strings.Index(s[i:], end)
	if j < 0 {
		return len(s) - 1
	}
	return i + j + len(end) - 1
}

// appendStatement drops the comment lines before a statement (the file's header), so that the
// statement starts with its keyword; comments inside it are the query's own and stay.
func appendStatement(out []string, s string) []string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for len(lines) > 0 && (strings.HasPrefix(strings.TrimSpace(lines[0]), "--") || strings.TrimSpace(lines[0]) == "") {
		lines = lines[1:]
	}
	if len(lines) == 0 {
		return out
	}
	return append(out, strings.TrimSpace(strings.Join(lines, "\n")))
}
