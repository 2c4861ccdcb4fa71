package metrics

import (
	"sync"

	"github.com/cockroachdb/pebble"
	"github.com/prometheus/client_golang/prometheus"
)

// The storage metrics are read from Pebble on scrape: Pebble keeps them itself, and copying them
// into our own gauges on a timer would only make them older.
var store = struct {
	sync.Mutex
	metrics func() *pebble.Metrics
}{}

// SetStore makes fn the source of the storage metrics (nil: none, e.g. once the store is closed).
func SetStore(fn func() *pebble.Metrics) {
	store.Lock()
	store.metrics = fn
	store.Unlock()
}

type storeMetric struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	value func(m *pebble.Metrics) float64
}

func storeGauge(name, help string, f func(m *pebble.Metrics) float64) storeMetric {
	return storeMetric{prometheus.NewDesc(name, help, nil, nil), prometheus.GaugeValue, f}
}

func storeCounter(name, help string, f func(m *pebble.Metrics) float64) storeMetric {
	return storeMetric{prometheus.NewDesc(name, help, nil, nil), prometheus.CounterValue, f}
}

var storeMetrics = []storeMetric{
	storeGauge("runnel_storage_disk_bytes", "Bytes the store uses on disk (sstables, WAL, manifests).",
		func(m *pebble.Metrics) float64 { return float64(m.DiskSpaceUsage()) }),
	storeGauge("runnel_storage_memtable_bytes", "Bytes allocated by Pebble's memtables.",
		func(m *pebble.Metrics) float64 { return float64(m.MemTable.Size) }),
	storeGauge("runnel_storage_block_cache_bytes", "Bytes in Pebble's block cache.",
		func(m *pebble.Metrics) float64 { return float64(m.BlockCache.Size) }),
	storeCounter("runnel_storage_block_cache_hits_total", "Block cache hits.",
		func(m *pebble.Metrics) float64 { return float64(m.BlockCache.Hits) }),
	storeCounter("runnel_storage_block_cache_misses_total", "Block cache misses.",
		func(m *pebble.Metrics) float64 { return float64(m.BlockCache.Misses) }),
	storeCounter("runnel_storage_compactions_total", "Compactions since the store was opened.",
		func(m *pebble.Metrics) float64 { return float64(m.Compact.Count) }),
	storeGauge("runnel_storage_compaction_debt_bytes", "Estimated bytes to compact for the LSM to settle.",
		func(m *pebble.Metrics) float64 { return float64(m.Compact.EstimatedDebt) }),
	storeCounter("runnel_storage_flushes_total", "Memtable flushes since the store was opened.",
		func(m *pebble.Metrics) float64 { return float64(m.Flush.Count) }),
	storeGauge("runnel_storage_l0_sublevels", "Sublevels in L0; a growing number means compactions fall behind.",
		func(m *pebble.Metrics) float64 { return float64(m.Levels[0].Sublevels) }),
	storeCounter("runnel_storage_wal_bytes_written_total", "Bytes written to the write-ahead log.",
		func(m *pebble.Metrics) float64 { return float64(m.WAL.BytesWritten) }),
}

type storeCollector struct{}

func (storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, s := range storeMetrics {
		ch <- s.desc
	}
}

func (storeCollector) Collect(ch chan<- prometheus.Metric) {
	store.Lock()
	fn := store.metrics
	store.Unlock()
	if fn == nil {
		return
	}
	m := fn()
	for _, s := range storeMetrics {
		ch <- prometheus.MustNewConstMetric(s.desc, s.kind, s.value(m))
	}
}

func init() { prometheus.MustRegister(storeCollector{}) }
