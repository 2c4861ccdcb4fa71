package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func startBroker(t testing.TB, partitions int) *Broker {
	t.Helper()
	b, err := StartBroker("127.0.0.1:0", partitions, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

func sourceOptions(t testing.TB, addr, topic string, extra ...string) *Options {
	t.Helper()
	with := map[string]string{"connector": "kafka", "topic": topic, "properties.bootstrap.server": addr}
	for i := 0; i+1 < len(extra); i += 2 {
		with[extra[i]] = extra[i+1]
	}
	o, err := ParseSourceOptions(with)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// produce writes n records numbered from..from+n-1 round-robin to partitions 0..parts-1 and waits
// for them to be acknowledged. Record i has value "v<i>" and timestamp ts (when non-zero).
func produce(t testing.TB, addr, topic string, parts, from, n int, ts time.Time) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.AllowAutoTopicCreation(),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	recs := make([]*kgo.Record, 0, n)
	for i := from; i < from+n; i++ {
		r := &kgo.Record{Topic: topic, Partition: int32(i % parts), Value: []byte(fmt.Sprintf("v%d", i))}
		if !ts.IsZero() {
			r.Timestamp = ts
		}
		recs = append(recs, r)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// readN fetches until n records arrived (failing on timeout) and checks per-partition order.
func readN(t testing.TB, r *Reader, n int, timeout time.Duration) []Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var all []Record
	lastOff := map[int32]int64{}
	for len(all) < n {
		recs, err := r.Fetch(ctx)
		if err != nil {
			t.Fatalf("after %d of %d records: %v", len(all), n, err)
		}
		for _, rec := range recs {
			if prev, ok := lastOff[rec.Partition]; ok && rec.Offset <= prev {
				t.Fatalf("partition %d: offset %d after %d", rec.Partition, rec.Offset, prev)
			}
			lastOff[rec.Partition] = rec.Offset
			all = append(all, rec)
		}
	}
	return all
}

// expectNothing checks that no record arrives within d.
func expectNothing(t testing.TB, r *Reader, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	recs, err := r.Fetch(ctx)
	if err == nil {
		t.Fatalf("unexpected %d records, first %+v", len(recs), recs[0])
	}
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
