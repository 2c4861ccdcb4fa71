// Package metrics holds the Prometheus metrics the engine reports. They register with the default
// registry, which cmd/runnel serves on /metrics.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	// SourceRecords counts the records read from each source (by the readers of its views and
	// tables), including those that did not decode.
	SourceRecords = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "runnel_source_records_total",
		Help: "Records read from external sources.",
	}, []string{"source"})
	// SourceErrors counts records skipped because they did not decode.
	SourceErrors = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "runnel_source_decode_errors_total",
		Help: "Records skipped because they were not valid JSON or did not fit the columns.",
	}, []string{"source"})
	// SinkRecords counts the changes written to each sink.
	SinkRecords = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "runnel_sink_records_total",
		Help: "Changes written to sinks.",
	}, []string{"sink"})
)
