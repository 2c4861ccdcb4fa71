package engine

import (
	"time"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/storage"
)

// stateSampleEvery is how often the views' state sizes are estimated: Pebble's estimate walks the
// sstable indexes, too much work for every scrape, and state sizes move slowly.
const stateSampleEvery = 5 * time.Second

// sampleStateSizes sets runnel_view_state_bytes for every view, sink and table until stop closes,
// and ends the series of dropped relations (and sources).
func (e *Engine) sampleStateSizes(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(stateSampleEvery)
	defer t.Stop()
	for {
		e.sampleStateOnce()
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

func (e *Engine) sampleStateOnce() {
	live := map[string]bool{}
	sources := map[string]bool{}
	for _, r := range e.cat.List(catalog.Source) {
		sources[r.Name] = true
	}
	for _, r := range e.cat.List(catalog.Table, catalog.MaterializedView, catalog.Sink) {
		live[r.Name] = true
		if r.With["connector"] != "" {
			sources[r.Name] = true // a connector table is its own source
		}
		var total uint64
		for _, t := range append([]uint32{r.ID}, r.StateTables...) {
			n, err := e.store.TableDiskUsage(storage.TableID(t))
			if err != nil {
				e.log.Debug("estimating state size", "relation", r.Name, "err", err)
				continue
			}
			total += n
		}
		metrics.ViewStateBytes.WithLabelValues(r.Name).Set(float64(total))
	}
	metrics.RetainViews(func(name string) bool { return live[name] })
	metrics.RetainSources(func(name string) bool { return sources[name] })
}
