package metrics

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// SourcePartition is the counters of one source partition (Errors: of its source), with their
// labels resolved.
type SourcePartition struct {
	Records, Bytes, Errors prometheus.Counter
}

// sourceNames are the sources that have counters, so that RetainSources can end a dropped
// source's series.
var sourceNames = struct {
	sync.Mutex
	m map[string]bool
}{m: map[string]bool{}}

// ForSourcePartition resolves the counters of a partition of source. Callers keep the result:
// this is a label lookup.
func ForSourcePartition(source string, partition int32) *SourcePartition {
	sourceNames.Lock()
	sourceNames.m[source] = true
	sourceNames.Unlock()
	p := strconv.Itoa(int(partition))
	return &SourcePartition{
		Records: SourceRecords.WithLabelValues(source, p),
		Bytes:   SourceBytes.WithLabelValues(source, p),
		Errors:  SourceErrors.WithLabelValues(source),
	}
}

// RetainSources ends the series of the sources for which keep is false (dropped ones).
func RetainSources(keep func(name string) bool) {
	sourceNames.Lock()
	defer sourceNames.Unlock()
	for name := range sourceNames.m {
		if !keep(name) {
			delete(sourceNames.m, name)
			for _, v := range []*prometheus.CounterVec{SourceRecords, SourceBytes, SourceErrors} {
				v.DeletePartialMatch(prometheus.Labels{"source": name})
			}
		}
	}
}

// Lag is sampled on scrape from every live reader: readers already track it per fetch, and
// several views may read the same source (each with a reader of its own), in which case the
// series reports the one furthest behind.
type lagReader struct {
	source string
	lag    func() map[int32]int64
}

var lags = struct {
	sync.Mutex
	next int
	m    map[int]lagReader
}{m: map[int]lagReader{}}

// TrackLag reports lag (per partition: high watermark minus the next offset to read) as the lag
// of source until the returned function is called.
func TrackLag(source string, lag func() map[int32]int64) (untrack func()) {
	lags.Lock()
	id := lags.next
	lags.next++
	lags.m[id] = lagReader{source, lag}
	lags.Unlock()
	return func() {
		lags.Lock()
		delete(lags.m, id)
		lags.Unlock()
	}
}

var lagDesc = prometheus.NewDesc("runnel_source_lag_records",
	"Records in a source partition not read yet: high watermark minus the next offset (the largest over the readers of the source).",
	[]string{"source", "partition"}, nil)

type lagCollector struct{}

func (lagCollector) Describe(ch chan<- *prometheus.Desc) { ch <- lagDesc }

func (lagCollector) Collect(ch chan<- prometheus.Metric) {
	lags.Lock()
	readers := make([]lagReader, 0, len(lags.m))
	for _, r := range lags.m {
		readers = append(readers, r)
	}
	lags.Unlock()
	type key struct {
		source    string
		partition int32
	}
	worst := map[key]int64{}
	for _, r := range readers {
		for p, l := range r.lag() {
			k := key{r.source, p}
			if cur, ok := worst[k]; !ok || l > cur {
				worst[k] = l
			}
		}
	}
	for k, l := range worst {
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(l), k.source, strconv.Itoa(int(k.partition)))
	}
}

func init() { prometheus.MustRegister(lagCollector{}) }
