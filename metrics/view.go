package metrics

import (
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// View is the metrics of one streaming job (a materialized view, sink or table), with its labels
// resolved. Its methods are safe on a nil *View, so code built without metrics need not check.
//
// Freshness follows the epochs: the actors that take changes into the job note the newest event
// time of each epoch (Stage) — a Kafka record's timestamp for a source, the moment of arrival for
// changes of a table or view — and the time becomes the view's once its epoch commits
// (EpochCommitted). Until then the changes are not visible, so they must not make the view look
// fresh.
type View struct {
	name    string
	rowsIn  prometheus.Counter
	rowsOut prometheus.Counter

	mu     sync.Mutex
	staged []staged
	newest int64 // Unix nanoseconds of the newest committed event; 0: none yet
}

type staged struct {
	epoch uint64
	at    int64
}

var views = struct {
	sync.Mutex
	m map[string]*View
}{m: map[string]*View{}}

// ForView returns the metrics of the job named name, creating them on first use.
func ForView(name string) *View {
	views.Lock()
	defer views.Unlock()
	if v := views.m[name]; v != nil {
		return v
	}
	v := &View{name: name, rowsIn: ViewRowsIn.WithLabelValues(name), rowsOut: ViewRowsOut.WithLabelValues(name)}
	views.m[name] = v
	return v
}

// RetainViews forgets the jobs for which keep is false (dropped ones), so that their series end.
func RetainViews(keep func(name string) bool) {
	views.Lock()
	defer views.Unlock()
	for name := range views.m {
		if !keep(name) {
			delete(views.m, name)
			ViewRowsIn.DeleteLabelValues(name)
			ViewRowsOut.DeleteLabelValues(name)
			ViewStateBytes.DeleteLabelValues(name)
		}
	}
}

// In counts n changes entering the job.
func (v *View) In(n int) {
	if v != nil && n > 0 {
		v.rowsIn.Add(float64(n))
	}
}

// Out counts n changes the job produced.
func (v *View) Out(n int) {
	if v != nil && n > 0 {
		v.rowsOut.Add(float64(n))
	}
}

// Stage notes that epoch carries changes whose newest event happened at (Unix nanoseconds). Zero
// is ignored: the caller saw nothing in the epoch.
func (v *View) Stage(epoch uint64, at int64) {
	if v == nil || at == 0 {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for i := range v.staged {
		if v.staged[i].epoch == epoch {
			v.staged[i].at = max(v.staged[i].at, at)
			return
		}
	}
	v.staged = append(v.staged, staged{epoch, at})
}

func (v *View) committed(epoch uint64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	keep := v.staged[:0]
	for _, s := range v.staged {
		if s.epoch <= epoch {
			v.newest = max(v.newest, s.at)
		} else {
			keep = append(keep, s)
		}
	}
	v.staged = keep
}

// EpochCommitted makes the event times staged for epoch (and earlier) visible as freshness.
func EpochCommitted(epoch uint64) {
	views.Lock()
	defer views.Unlock()
	for _, v := range views.m {
		v.committed(epoch)
	}
}

// freshness computes runnel_view_freshness_seconds on scrape: it is "now" minus a time, which a
// gauge set at commit would leave stale between commits.
type freshness struct{ desc *prometheus.Desc }

var freshnessDesc = prometheus.NewDesc("runnel_view_freshness_seconds",
	"Seconds since the newest event (Kafka record timestamp, or arrival of a table change) whose effects on the view are committed.",
	[]string{"view"}, nil)

func (freshness) Describe(ch chan<- *prometheus.Desc) { ch <- freshnessDesc }

func (freshness) Collect(ch chan<- prometheus.Metric) {
	now := time.Now().UnixNano()
	type point struct {
		name string
		at   int64
	}
	views.Lock()
	pts := make([]point, 0, len(views.m))
	for name, v := range views.m {
		v.mu.Lock()
		if v.newest != 0 {
			pts = append(pts, point{name, v.newest})
		}
		v.mu.Unlock()
	}
	views.Unlock()
	sort.Slice(pts, func(i, j int) bool { return pts[i].name < pts[j].name })
	for _, p := range pts {
		// A record stamped slightly in the future (producer clock skew) is as fresh as can be.
		age := max(float64(now-p.at)/1e9, 0)
		ch <- prometheus.MustNewConstMetric(freshnessDesc, prometheus.GaugeValue, age, p.name)
	}
}

func init() { prometheus.MustRegister(freshness{desc: freshnessDesc}) }
