package tests

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/runnel-db/runnel/connector/kafka"
	"github.com/runnel-db/runnel/tests/sltrun"
)

// kafkaBench is a broker in the test process and a server process reading from it.
type kafkaBench struct {
	broker *kafka.Broker
	client *kgo.Client
	conn   *pgx.Conn
}

func newKafkaBench(b *testing.B, serverArgs ...string) *kafkaBench {
	broker, err := kafka.StartBroker("127.0.0.1:0", 4, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(broker.Close)
	client, err := kgo.NewClient(kgo.SeedBrokers(broker.Addr()), kgo.ProducerLinger(5*time.Millisecond),
		kgo.AllowAutoTopicCreation(), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(client.Close)
	srv, err := sltrun.StartProcess(context.Background(), runnelBinary(b), b.TempDir(), serverArgs...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Stop() })
	return &kafkaBench{broker: broker, client: client, conn: benchConnect(b, srv.Addr())}
}

// event is a ~150-byte JSON event with one of many keys.
func event(seq int, keys int, ts time.Time) []byte {
	return fmt.Appendf(nil, `{"seq": %d, "user_id": %d, "event_type": "page_view", "url": "https://example.com/p/%d", "amount": %d.25, "ts": "%s"}`,
		seq, rand.IntN(keys), seq%997, seq%100, ts.UTC().Format(time.RFC3339Nano))
}

func (k *kafkaBench) exec(b *testing.B, sql string) {
	if _, err := k.conn.Exec(context.Background(), sql); err != nil {
		b.Fatalf("%s: %v", sql, err)
	}
}

func (k *kafkaBench) createView(b *testing.B, topic string) {
	k.exec(b, fmt.Sprintf(`CREATE SOURCE ev (seq bigint, user_id bigint, event_type varchar, url varchar, amount double precision, ts timestamptz)
		WITH (connector = 'kafka', topic = '%s', properties.bootstrap.server = '%s', scan.startup.mode = 'earliest') FORMAT PLAIN ENCODE JSON`,
		topic, k.broker.Addr()))
	k.exec(b, `CREATE MATERIALIZED VIEW per_user AS SELECT user_id, count(*) AS n, sum(amount) AS total, max(seq) AS last FROM ev GROUP BY user_id`)
}

// BenchmarkKafkaIngest measures how many events per second one core reads from Kafka into a GROUP BY
// view: a million JSON events over 100k keys are produced first, then the view catches up.
func BenchmarkKafkaIngest(b *testing.B) {
	b.Setenv("GOMAXPROCS", "1")
	k := newKafkaBench(b, "--parallelism", "1", "--barrier-interval", "100ms")
	os.Unsetenv("GOMAXPROCS")
	const n = 1_000_000
	ctx := context.Background()
	now := time.Now()
	for i := 0; i < n; i++ {
		k.client.Produce(ctx, &kgo.Record{Topic: "ingest", Value: event(i, 100_000, now)}, nil)
	}
	if err := k.client.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	k.createView(b, "ingest")
	for {
		var total int64
		if err := k.conn.QueryRow(ctx, "SELECT coalesce(sum(n), 0) FROM per_user").Scan(&total); err != nil {
			b.Fatal(err)
		}
		if total >= n {
			break
		}
		if time.Since(start) > 5*time.Minute {
			b.Fatalf("only %d of %d events after 5 minutes", total, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "events/s")
}

// BenchmarkKafkaFreshness measures the time from producing an event to seeing it in a view, at a
// steady 5k events/s with a 50 ms barrier interval.
func BenchmarkKafkaFreshness(b *testing.B) {
	k := newKafkaBench(b, "--barrier-interval", "50ms")
	ctx := context.Background()
	k.createView(b, "fresh")
	const rate, seconds = 5000, 6
	produced := make([]time.Time, 0, rate*seconds)
	seen := make([]time.Time, 0, rate*seconds)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for len(produced) < rate*seconds {
			<-tick.C
			for j := 0; j < rate/1000; j++ {
				now := time.Now()
				produced = append(produced, now)
				k.client.Produce(ctx, &kgo.Record{Topic: "fresh", Value: event(len(produced)-1, 1000, now)}, nil)
			}
		}
	}()
	b.ResetTimer()
	// Poll the highest sequence number the view holds; every event up to it is visible from now on.
	deadline := time.Now().Add(time.Duration(seconds+10) * time.Second)
	for len(seen) < rate*seconds && time.Now().Before(deadline) {
		var last int64
		if err := k.conn.QueryRow(ctx, "SELECT coalesce(max(last), -1) FROM per_user").Scan(&last); err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		for int64(len(seen)) <= last {
			seen = append(seen, now)
		}
		time.Sleep(2 * time.Millisecond)
	}
	<-done
	var lat []float64
	for i := range seen {
		if i < len(produced) && i > rate { // skip the first second: the view is still starting
			lat = append(lat, seen[i].Sub(produced[i]).Seconds()*1000)
		}
	}
	if len(lat) == 0 {
		b.Fatal("no events seen")
	}
	slices.Sort(lat)
	b.ReportMetric(lat[len(lat)/2], "p50-ms")
	b.ReportMetric(lat[len(lat)*99/100], "p99-ms")
}
