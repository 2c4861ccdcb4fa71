package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// minimizeBudget bounds the time spent shrinking a failing history: a partly shrunk history is
// still far better than thousands of statements.
const minimizeBudget = 90 * time.Second

// saveHistory writes the whole history where it outlives the test's temporary directories.
func saveHistory(seed uint64, history []string) string {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("runnel-difftest-%d.sql", seed))
	if err := os.WriteFile(path, []byte(strings.Join(history, ";\n")+";\n"), 0o644); err != nil {
		return fmt.Sprintf("(not saved: %v)", err)
	}
	return path
}

// minimize replays the history on fresh engines and drops DML statements and restarts (delta
// debugging, complements only) for as long as the target view still mismatches at the end. Only
// the target's CREATE and those of the views it reads are kept.
func minimize(t *testing.T, history []string, target viewDef) ([]string, bool) {
	deadline := time.Now().Add(minimizeBudget)
	var fixed, steps []string
	needed := dependencies(history, target)
	for _, q := range history {
		switch {
		case isComment(q):
		case strings.HasPrefix(q, "CREATE TABLE"):
			fixed = append(fixed, q)
		case strings.HasPrefix(q, "CREATE MATERIALIZED VIEW"):
			if needed[viewName(q)] {
				fixed = append(fixed, q)
			}
		default:
			steps = append(steps, q)
		}
	}
	replays := 0
	test := func(s []string) bool {
		replays++
		return replay(append(append([]string(nil), fixed...), s...), target)
	}
	if !test(steps) {
		return nil, false
	}
	n := 2
	for len(steps) >= 2 && time.Now().Before(deadline) {
		size := (len(steps) + n - 1) / n
		reduced := false
		for i := 0; i*size < len(steps) && time.Now().Before(deadline); i++ {
			lo, hi := i*size, min((i+1)*size, len(steps))
			rest := append(append([]string(nil), steps[:lo]...), steps[hi:]...)
			if test(rest) {
				steps, n, reduced = rest, max(n-1, 2), true
				break
			}
		}
		if !reduced {
			if n >= len(steps) {
				break
			}
			n = min(2*n, len(steps))
		}
	}
	t.Logf("minimized to %d DML statements in %d replays", len(steps), replays)
	return append(fixed, steps...), true
}

// replay runs the statements on a fresh engine and reports whether the target view then differs
// from its batch query. Statement errors are ignored: dropping earlier statements may make later
// ones fail, which only makes that candidate uninteresting.
func replay(stmts []string, target viewDef) bool {
	dir, err := os.MkdirTemp("", "runnel-difftest-replay-")
	if err != nil {
		return false
	}
	defer os.RemoveAll(dir)
	d, err := openDB(dir)
	if err != nil {
		return false
	}
	defer func() { d.close() }()
	for _, q := range stmts {
		if q == restartMark {
			if d.close() != nil {
				return false
			}
			if d, err = openDB(dir); err != nil {
				return false
			}
			continue
		}
		d.exec(q)
	}
	m, err := checkView(d, target)
	return err == nil && m != nil
}

var createViewRE = regexp.MustCompile(`^CREATE MATERIALIZED VIEW (\w+) AS (.*)$`)

func viewName(create string) string {
	if m := createViewRE.FindStringSubmatch(create); m != nil {
		return m[1]
	}
	return ""
}

// dependencies returns the target and, transitively, the views its query reads.
func dependencies(history []string, target viewDef) map[string]bool {
	queries := map[string]string{}
	for _, q := range history {
		if m := createViewRE.FindStringSubmatch(q); m != nil {
			queries[m[1]] = m[2]
		}
	}
	need := map[string]bool{}
	var visit func(name, query string)
	visit = func(name, query string) {
		if need[name] {
			return
		}
		need[name] = true
		for other, oq := range queries {
			if regexp.MustCompile(`\b` + other + `\b`).MatchString(query) {
				visit(other, oq)
			}
		}
	}
	visit(target.name, target.query)
	return need
}
