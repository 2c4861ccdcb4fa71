package difftest

import (
	"context"
	"errors"
	"fmt"
	"github.com/runnel-db/runnel/pgerr"
	"slices"
	"strings"
	"sync"

	"github.com/runnel-db/runnel/pgwire"
)

// midwayPerRound is how many views each midway round creates; the previous round's are dropped,
// which keeps the number of live views (and the cost of a step) flat.
const midwayPerRound = 4

// createMidway creates copies of some view shapes while another session keeps changing the tables,
// so that each backfill races with live changes: a row must be counted once, whether the backfill
// snapshot or the change stream delivers it.
func (h *harness) createMidway() {
	h.dropMidway()
	var dml []string
	for i := 0; i < 30; i++ {
		dml = append(dml, genDML(h.r))
	}
	var defs []viewDef
	for i := 0; i < midwayPerRound; i++ {
		shape := midwayShapes[(h.midwayRound*midwayPerRound+i)%len(midwayShapes)]
		for _, v := range views {
			if v.name == shape {
				defs = append(defs, viewDef{fmt.Sprintf("m%d_%s", h.step, v.name), v.query})
			}
		}
	}
	h.midwayRound++
	other, err := h.d.eng.NewSession(context.Background(), pgwire.Startup{User: "root", Database: "dev"}, nopClient{})
	if err != nil {
		h.fail(fmt.Sprintf("step %d: second session: %v", h.step, err), nil)
	}
	second := &db{dir: h.d.dir, eng: h.d.eng, sess: other, prepared: map[string]pgwire.Statement{}}
	var wg sync.WaitGroup
	var dmlErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, q := range dml {
			if _, err := second.exec(q); err != nil {
				var pe *pgerr.Error
				if errors.As(err, &pe) && pe.Code == pgerr.FeatureNotSupported {
					continue // refused as a whole, e.g. an update of a primary key: it changed nothing
				}
				dmlErr = fmt.Errorf("%s: %w", q, err)
				return
			}
		}
	}()
	h.history = append(h.history, "-- the creates below ran concurrently with the DML after them")
	for _, v := range defs {
		h.createView(v, false)
		h.midway = append(h.midway, v.name)
	}
	wg.Wait()
	other.Close()
	h.history = append(h.history, dml...)
	if dmlErr != nil {
		h.fail(fmt.Sprintf("step %d: concurrent DML: %v", h.step, dmlErr), nil)
	}
	h.checkAll()
}

// dropMidway drops the previous round's views; the views they read must keep working.
func (h *harness) dropMidway() {
	for _, name := range h.midway {
		h.execOrFail("DROP MATERIALIZED VIEW " + name)
		h.live = slices.DeleteFunc(h.live, func(v viewDef) bool { return v.name == name })
	}
	h.midway = nil
}

// isComment reports history entries that are notes, not statements.
func isComment(q string) bool { return strings.HasPrefix(q, "--") && q != restartMark }
