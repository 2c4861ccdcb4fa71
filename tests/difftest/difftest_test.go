// Package difftest checks incremental view maintenance against recomputation: random DML against
// small tables, and after every statement each materialized view must equal its own query run as
// a batch SELECT.
package difftest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/pgerr"
)

// restartMark stands for an engine close and reopen in a statement history.
const restartMark = "-- restart"

// TestDifferential is the randomized differential test. RUNNEL_DIFF_SEED=n reproduces a run;
// RUNNEL_DIFF_STEPS=n changes its length; -long or RUNNEL_DIFF_LONG=1 runs far longer.
func TestDifferential(t *testing.T) {
	// Batch queries allocate generously; collecting less often is most of a step's speed-up.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	cfg := loadConfig()
	t.Logf("seed %d (RUNNEL_DIFF_SEED=%d reproduces), cache %d bytes", cfg.seed, cfg.seed, cfg.cacheSize)
	defer func(old int64) { cacheSize = old }(cacheSize)
	cacheSize = cfg.cacheSize
	h := &harness{t: t, cfg: cfg, r: rand.New(rand.NewPCG(cfg.seed, 0x52554e4e454c)), dir: t.TempDir(),
		answers: map[string][]string{}, reads: map[string]map[string]bool{}}
	defer h.close()
	h.run()
}

type harness struct {
	t       *testing.T
	cfg     config
	r       *rand.Rand
	dir     string
	d       *db
	live    []viewDef
	history []string
	step    int
	// midway holds the views of the last midway round, midwayRound counts the rounds.
	midway      []string
	midwayRound int
	// answers caches each view's batch answer and reads the tables it depends on: a statement that
	// changed none of them cannot change the answer, so only the view needs reading again. Batch
	// queries are most of a step's cost.
	answers map[string][]string
	reads   map[string]map[string]bool
}

func (h *harness) close() {
	if h.d != nil {
		h.d.close()
	}
}

func (h *harness) run() {
	var err error
	if h.d, err = openDB(h.dir); err != nil {
		h.t.Fatal(err)
	}
	for _, q := range tableDDL {
		h.execOrFail(q)
	}
	for _, v := range views {
		h.createView(v, false)
	}
	for _, v := range unsupportedViews {
		h.createView(v, true)
	}
	h.checkAll()

	start := time.Now()
	for h.step = 1; h.step <= h.cfg.steps; h.step++ {
		if time.Since(start) > h.cfg.budget {
			h.t.Logf("time budget %v reached after %d steps", h.cfg.budget, h.step-1)
			break
		}
		if slices.Contains(h.cfg.midwayAt, h.step) {
			h.createMidway()
		}
		if h.step%h.cfg.restartEvery == 0 {
			h.restart()
		}
		if h.step%500 == 0 {
			h.t.Logf("step %d after %v", h.step, time.Since(start).Round(time.Millisecond))
		}
		q := genDML(h.r)
		if h.refused(q) {
			continue
		}
		h.checkChanged(dmlTable(q))
	}
	el := time.Since(start)
	h.t.Logf("%d steps, %d views, %.0f steps/s", h.step-1, len(h.live), float64(h.step-1)/el.Seconds())
	// A view that stayed empty tested nothing: show the sizes so a dead shape is visible.
	var sizes []string
	for _, v := range h.live {
		sizes = append(sizes, fmt.Sprintf("%s=%d", v.name, len(h.answers[v.name])))
	}
	h.t.Logf("final view sizes: %s", strings.Join(sizes, " "))
}

// execOrFail runs a statement that must succeed and records it in the history.
func (h *harness) execOrFail(q string) {
	h.history = append(h.history, q)
	if _, err := h.d.exec(q); err != nil {
		h.fail(fmt.Sprintf("step %d: %s: %v", h.step, q, err), nil)
	}
}

// refused runs a generated DML statement. It reports true, and the step is skipped, if the engine
// refused it as unsupported (0A000): RisingWave refuses UPDATEs of primary-key columns, and Runnel
// may come to as well (see the BUG note in dml_test.go); any other error fails the test.
func (h *harness) refused(q string) bool {
	_, err := h.d.exec(q)
	var pe *pgerr.Error
	if err != nil && errors.As(err, &pe) && pe.Code == pgerr.FeatureNotSupported {
		h.history = append(h.history, "-- refused: "+q)
		return true
	}
	h.history = append(h.history, q)
	if err != nil {
		h.fail(fmt.Sprintf("step %d: %s: %v", h.step, q, err), nil)
	}
	return false
}

// createView creates a view. A refusal as unsupported (0A000) is allowed only where expected.
func (h *harness) createView(v viewDef, mayBeUnsupported bool) {
	q := fmt.Sprintf("CREATE MATERIALIZED VIEW %s AS %s", v.name, v.query)
	_, err := h.d.exec(q)
	var pe *pgerr.Error
	if err != nil && mayBeUnsupported && errors.As(err, &pe) && pe.Code == pgerr.FeatureNotSupported {
		h.t.Logf("skipping view %s, not supported: %v", v.name, err)
		return
	}
	h.history = append(h.history, q)
	if err != nil {
		h.fail(fmt.Sprintf("step %d: %s: %v", h.step, q, err), nil)
	}
	h.live = append(h.live, v)
	h.reads[v.name] = h.baseTables(v.query)
	delete(h.answers, v.name)
}

var tableRE = regexp.MustCompile(`\b(t[0-9]+|\w+_\w+)\b`)

// baseTables returns the tables a query reads, directly or through the views it reads.
func (h *harness) baseTables(query string) map[string]bool {
	out := map[string]bool{}
	for _, name := range tableRE.FindAllString(query, -1) {
		if dep, ok := h.reads[name]; ok {
			for t := range dep {
				out[t] = true
			}
		} else if strings.HasPrefix(name, "t") {
			out[name] = true
		}
	}
	return out
}

// dmlTable returns the table a generated INSERT, UPDATE or DELETE writes.
func dmlTable(q string) string {
	f := strings.Fields(q)
	if f[0] == "UPDATE" {
		return f[1]
	}
	return f[2]
}

func (h *harness) restart() {
	if err := h.d.close(); err != nil {
		h.fail(fmt.Sprintf("step %d: close: %v", h.step, err), nil)
	}
	h.d = nil
	h.history = append(h.history, restartMark)
	var err error
	if h.d, err = openDB(h.dir); err != nil {
		h.fail(fmt.Sprintf("step %d: reopen: %v", h.step, err), nil)
	}
	// Recovery alone must leave every view right, before any new change arrives.
	h.checkAll()
}

// checkAll compares every view with a freshly computed batch answer.
func (h *harness) checkAll() { h.checkChanged("") }

// checkChanged compares every view with its batch answer, recomputing the answers of the views
// that read table (all of them if table is "").
func (h *harness) checkChanged(table string) {
	for _, v := range h.live {
		want, ok := h.answers[v.name]
		if !ok || table == "" || h.reads[v.name][table] {
			var err error
			if want, err = batchAnswer(h.d, v); err != nil {
				h.fail(fmt.Sprintf("step %d: %v", h.step, err), nil)
			}
			h.answers[v.name] = want
		}
		m, err := checkViewAgainst(h.d, v, want)
		if err != nil {
			h.fail(fmt.Sprintf("step %d: %v", h.step, err), nil)
		}
		if m != nil {
			h.fail(fmt.Sprintf("step %d: mismatch after %q\n%s", h.step, h.history[len(h.history)-1], m), m)
		}
	}
}

// fail reports a failure with what is needed to reproduce it, minimizing the history first when a
// view mismatched.
func (h *harness) fail(msg string, m *mismatch) {
	h.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nseed %d: reproduce with RUNNEL_DIFF_SEED=%d go test ./tests/difftest/ -run TestDifferential -v\n", msg, h.cfg.seed, h.cfg.seed)
	path := saveHistory(h.cfg.seed, h.history)
	fmt.Fprintf(&b, "full history (%d statements): %s\n", len(h.history), path)
	if m != nil {
		h.d.close()
		h.d = nil
		min, ok := minimize(h.t, h.history, m.view)
		if ok {
			fmt.Fprintf(&b, "minimized reproduction (%d statements, view %s checked at the end):\n%s\n", len(min), m.view.name, strings.Join(min, ";\n")+";")
		} else {
			fmt.Fprintf(&b, "the mismatch did not reproduce on a sequential replay (a race?); last statements:\n%s\n", strings.Join(tail(h.history, 40), ";\n"))
		}
	}
	h.t.Fatal(b.String())
}

func tail(s []string, n int) []string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
