package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/runnel-db/runnel/connector/nexmark"
)

// freshnessConfig is the steady-input run: rate events/s for a duration, a barrier every barrier.
type freshnessConfig struct {
	rate     int64
	duration time.Duration
	barrier  time.Duration
	warmup   time.Duration // events produced this early are left out: the view is still starting
}

// freshRecord is one pre-built event: building JSON while producing would eat into the rate.
type freshRecord struct {
	topic   string
	value   []byte
	watched bool
	at      int64 // event time (ms), for watched events
}

// freshness measures, on the Kafka path, how long after being produced an event becomes visible.
// Visibility is read from a helper view, max(date_time) over one table the query reads: event
// times grow with the event number and the topics have one partition, so when the helper shows
// time T every watched event up to T is visible. The helper commits in the same epochs as the
// query's view (an epoch commits once its barrier has passed every view), so this is the query's
// freshness too, as long as its source reader keeps pace with the helper's.
func (c *config) freshness(ctx context.Context, q Query, fc freshnessConfig) (p50, p99 float64, note string, err error) {
	b, err := startBus(1, time.Millisecond)
	if err != nil {
		return 0, 0, "", err
	}
	defer b.close()
	const prefix = "fresh"
	if err := b.createTopics(ctx, prefix, 1); err != nil {
		return 0, 0, "", err
	}
	args := append([]string{"--barrier-interval", fc.barrier.String()}, c.serverArgs...)
	srv, err := startServer(ctx, c.bin, args...)
	if err != nil {
		return 0, 0, "", err
	}
	defer srv.stop()
	conn, err := srv.connect(ctx)
	if err != nil {
		return 0, 0, "", err
	}
	defer conn.Close(context.Background())
	fresh := *c
	fresh.kafkaAddr, fresh.prefix = b.broker.Addr(), prefix
	if err := fresh.createSources(ctx, conn, "kafka"); err != nil {
		return 0, 0, "", err
	}
	for _, s := range q.Statements {
		if _, err := conn.Exec(ctx, s); err != nil {
			return 0, 0, "", err
		}
	}
	watched := q.Tables[len(q.Tables)-1] // bid when the query reads it: the most events
	if _, err := conn.Exec(ctx, "CREATE MATERIALIZED VIEW bench_freshness AS SELECT max(date_time) AS t FROM "+watched); err != nil {
		return 0, 0, "", err
	}

	recs, err := buildFresh(int64(fc.duration.Seconds()*float64(fc.rate)), prefix, watched)
	if err != nil {
		return 0, 0, "", err
	}
	var watchedAt []int64 // event times of the watched records, in order
	for _, r := range recs {
		if r.watched {
			watchedAt = append(watchedAt, r.at)
		}
	}
	producedAt := make([]int64, len(watchedAt)) // unix nanos, written before producedN moves past
	var producedN atomic.Int64
	start := time.Now()
	prodDone := make(chan error, 1)
	go func() { prodDone <- produceAtRate(ctx, b, recs, fc.rate, producedAt, &producedN) }()
	// Under -profile the steady run is profiled too, and its metrics (barrier latency, epoch
	// sizes) kept: a freshness tail is read there, not in the throughput run's profile.
	profDone := make(chan error, 1)
	if c.profileDir != "" {
		go func() {
			if err := os.MkdirAll(c.profileDir, 0o755); err != nil {
				profDone <- err
				return
			}
			profDone <- fetchProfile(ctx, srv.metricsAddr, int(fc.duration.Seconds()),
				filepath.Join(c.profileDir, q.Name+"-fresh.cpu.pprof"))
		}()
	} else {
		profDone <- nil
	}

	seenAt := make([]int64, len(watchedAt))
	seen := 0
	deadline := start.Add(fc.duration + 10*time.Second)
	for seen < len(watchedAt) && time.Now().Before(deadline) {
		var t *time.Time
		if err := conn.QueryRow(ctx, "SELECT t FROM bench_freshness").Scan(&t); err != nil && err != pgx.ErrNoRows {
			return 0, 0, "", err
		}
		now := time.Now().UnixNano()
		limit := int(producedN.Load())
		for t != nil && seen < limit && watchedAt[seen] <= t.UnixMilli() {
			seenAt[seen] = now
			seen++
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := <-prodDone; err != nil {
		return 0, 0, "", err
	}
	end := time.Now().UnixNano()
	if err := <-profDone; err != nil {
		return 0, 0, "", fmt.Errorf("profile the freshness run: %w", err)
	}
	if c.profileDir != "" {
		file := filepath.Join(c.profileDir, q.Name+"-fresh.metrics.txt")
		if err := fetch(ctx, "http://"+srv.metricsAddr+"/metrics", 0, file); err != nil {
			return 0, 0, "", fmt.Errorf("metrics of the freshness run: %w", err)
		}
	}
	var lat []float64
	skipBefore := start.Add(fc.warmup).UnixNano()
	for i, p := range producedAt {
		if p < skipBefore {
			continue
		}
		v := end
		if i < seen {
			v = seenAt[i]
		}
		lat = append(lat, float64(v-p)/1e6)
	}
	if len(lat) == 0 {
		return 0, 0, "", fmt.Errorf("no events to measure")
	}
	if seen < len(watchedAt) {
		note = fmt.Sprintf("%d of %d events not visible within 10 s after the last was produced", len(watchedAt)-seen, len(watchedAt))
	}
	slices.Sort(lat)
	return lat[len(lat)/2], lat[len(lat)*99/100], note, nil
}

func buildFresh(n int64, prefix, watched string) ([]freshRecord, error) {
	o, err := nexmark.ParseOptions(map[string]string{"nexmark.event.num": fmt.Sprint(n)})
	if err != nil {
		return nil, err
	}
	g := nexmark.NewGenerator(o, 0, 1, 0)
	var e nexmark.Event
	out := make([]freshRecord, 0, n)
	for g.NextEvent(&e) {
		table := tableTypes[e.Type]
		r := freshRecord{topic: topic(prefix, table), value: nexmark.AppendJSON(nil, e.Type, &e), watched: table == watched}
		if r.watched {
			r.at = eventTime(&e)
		}
		out = append(out, r)
	}
	return out, nil
}

func eventTime(e *nexmark.Event) int64 {
	switch e.Type {
	case nexmark.Person:
		return e.Person.DateTime
	case nexmark.Auction:
		return e.Auction.DateTime
	}
	return e.Bid.DateTime
}

// produceAtRate sends recs at rate per second, in millisecond steps, recording when each watched
// record was handed to the producer.
func produceAtRate(ctx context.Context, b *bus, recs []freshRecord, rate int64, producedAt []int64, producedN *atomic.Int64) error {
	start := time.Now()
	i, w := 0, 0
	for i < len(recs) {
		due := min(int(time.Since(start).Nanoseconds()*rate/1e9), len(recs))
		for ; i < due; i++ {
			r := &recs[i]
			if r.watched {
				producedAt[w] = time.Now().UnixNano()
				w++
				producedN.Store(int64(w))
			}
			b.send(ctx, r.topic, r.value)
		}
		time.Sleep(time.Millisecond)
	}
	return b.flush(ctx)
}
