// Package metrics holds the Prometheus metrics the engine reports. They register with the default
// registry, which cmd/runnel serves on /metrics (see Handler).
//
// Hot paths (per record, per row) must not pay for label lookups: callers resolve a labelled
// metric once (per source partition, per view) and then only Add to it, once per batch or chunk.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	// SourceRecords counts the records read from each source partition (by the readers of its
	// views and tables), including those that did not decode.
	SourceRecords = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "runnel_source_records_total",
		Help: "Records read from external sources, by source and partition (split).",
	}, []string{"source", "partition"})
	// SourceBytes counts the key and value bytes of those records.
	SourceBytes = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "runnel_source_bytes_total",
		Help: "Key and value bytes of the records read from external sources, by source and partition.",
	}, []string{"source", "partition"})
	// SourceErrors counts records skipped because they did not decode. Per source only: tests and
	// alerts match the series {source="..."} exactly, and rw_source_errors names the partition
	// and offset of each bad record.
	SourceErrors = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "runnel_source_decode_errors_total",
		Help: "Records skipped because they were not valid JSON or did not fit the columns.",
	}, []string{"source"})
	// SinkRecords counts the changes written to each sink.
	SinkRecords = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "runnel_sink_records_total",
		Help: "Changes written to sinks.",
	}, []string{"sink"})

	// ViewRowsIn counts the changes that entered a streaming job (a materialized view, a sink or
	// a table) from its inputs, including the rows of its backfill.
	ViewRowsIn = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "runnel_view_rows_in_total",
		Help: "Changes (rows) that entered a materialized view, sink or table from its inputs.",
	}, []string{"view"})
	// ViewRowsOut counts the changes a job produced: the effective changes of a view or table
	// (an update counts twice: its delete and its insert), or the changes handed to a sink.
	ViewRowsOut = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "runnel_view_rows_out_total",
		Help: "Changes (rows) a materialized view or table applied to its rows, or a sink wrote.",
	}, []string{"view"})
	// ViewStateBytes is sampled every few seconds from Pebble's estimates over the key ranges of
	// a job's table and state tables: exact sizes would need a scan.
	ViewStateBytes = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "runnel_view_state_bytes",
		Help: "Estimated on-disk bytes of a view's (or table's) rows and operator state (sstables only, sampled).",
	}, []string{"view"})

	// BarrierLatency is the time from injecting a barrier to committing its epoch: how far
	// behind "now" a checkpoint lands, and the floor of view freshness.
	BarrierLatency = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "runnel_barrier_latency_seconds",
		Help:    "Time from injecting an epoch's barrier to its commit.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16), // 0.5 ms .. 16 s
	})
	CommittedEpoch = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "runnel_committed_epoch",
		Help: "The last committed epoch.",
	})
	BarriersInFlight = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "runnel_barriers_in_flight",
		Help: "Barriers injected whose epoch has not committed (or failed) yet.",
	})
	EpochCommitBytes = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "runnel_epoch_commit_bytes",
		Help:    "Size of each committed epoch's write batch.",
		Buckets: prometheus.ExponentialBuckets(64, 4, 12), // 64 B .. 256 MiB
	})
	EarlyBarriers = promauto.NewCounter(prometheus.CounterOpts{
		Name: "runnel_early_barriers_total",
		Help: "Barriers injected before the barrier interval because an epoch's writes reached the epoch size limit.",
	})
	EpochFailures = promauto.NewCounter(prometheus.CounterOpts{
		Name: "runnel_epoch_failures_total",
		Help: "Epochs that failed to commit.",
	})

	PgwireConnections = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "runnel_pgwire_connections",
		Help: "Client sessions connected now (past the startup packet).",
	})
	PgwireConnectionsTotal = promauto.NewCounter(prometheus.CounterOpts{
		Name: "runnel_pgwire_connections_total",
		Help: "Client sessions accepted since start.",
	})
	queryDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "runnel_query_duration_seconds",
		Help:    "Time to run a statement and send its results, by kind (select, insert, update, delete, ddl, other).",
		Buckets: prometheus.ExponentialBuckets(0.0001, 4, 11), // 100 µs .. 105 s
	}, []string{"kind"})
	queryErrors = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "runnel_query_errors_total",
		Help: "Errors reported to clients, by SQLSTATE class (the code's first two characters).",
	}, []string{"class"})
)
