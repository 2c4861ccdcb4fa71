package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkReader measures the fetch path: b.N records of 231 bytes spread over 3 partitions of an
// in-process kfake, read by one Reader.
func BenchmarkReader(b *testing.B) {
	br := startBroker(b, 3)
	value := make([]byte, 231)
	for i := range value {
		value[i] = 'a' + byte(i%26)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(br.Addr()), kgo.AllowAutoTopicCreation(),
		kgo.ProducerLinger(5*time.Millisecond), kgo.MaxBufferedRecords(100000))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		cl.Produce(ctx, &kgo.Record{Topic: "bench", Value: value}, nil)
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	cl.Close()

	b.ResetTimer()
	r, err := NewReader(ctx, sourceOptions(b, br.Addr(), "bench"), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for n := 0; n < b.N; {
		recs, err := r.Fetch(ctx)
		if err != nil {
			b.Fatal(err)
		}
		n += len(recs)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
