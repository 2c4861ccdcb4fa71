// Command nexmark-produce writes Nexmark events to a Kafka topic as JSON, one event per record, so
// that the benchmark can run through the Kafka path with exactly the rows the nexmark connector
// generates for the same options:
//
//	nexmark-produce -brokers 127.0.0.1:9092 -topic nexmark -events 1000000 [-type bid] [-rate N]
//
// Field names are the source's column names (connector/nexmark Columns); timestamps are text,
// 'YYYY-MM-DD HH:MM:SS.ffffff'. -events bounds event numbers as nexmark.event.num does, so
// -type bid -events 1000000 writes the 920,000 bids among the first million events.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/runnel-db/runnel/connector/nexmark"
)

func main() {
	brokers := flag.String("brokers", "127.0.0.1:9092", "comma-separated bootstrap brokers")
	topic := flag.String("topic", "nexmark", "topic to produce to (created if the broker allows)")
	events := flag.Int64("events", 1_000_000, "events to generate, all types counted (nexmark.event.num); -1 = forever")
	typ := flag.String("type", "", "bid, auction or person; empty for all events (event_type + prefixed fields)")
	rate := flag.Int64("rate", 0, "records per second; 0 = as fast as the broker takes them")
	seed := flag.Uint64("seed", 0, "nexmark.seed: 0 gives RisingWave's events")
	flag.Parse()
	if err := run(*brokers, *topic, *events, *typ, *rate, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "nexmark-produce:", err)
		os.Exit(1)
	}
}

func run(brokers, topic string, events int64, typ string, rate int64, seed uint64) error {
	with := map[string]string{"nexmark.event.num": fmt.Sprint(events), "nexmark.seed": fmt.Sprint(seed)}
	if typ != "" {
		with["nexmark.table.type"] = typ
	}
	o, err := nexmark.ParseOptions(with)
	if err != nil {
		return err
	}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(strings.Split(brokers, ",")...),
		kgo.DefaultProduceTopic(topic),
		kgo.AllowAutoTopicCreation(),
		kgo.ProducerLinger(5*time.Millisecond),
		kgo.ProducerBatchMaxBytes(1<<20),
	)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var failed atomic.Pointer[error]
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			failed.CompareAndSwap(nil, &err)
		}
	}
	g := nexmark.NewGenerator(o, 0, 1, 0)
	var e nexmark.Event
	var buf []byte
	start := time.Now()
	n := int64(0)
	for g.NextEvent(&e) {
		if p := failed.Load(); p != nil {
			return *p
		}
		if ctx.Err() != nil {
			break
		}
		buf = nexmark.AppendJSON(buf[:0], o.Type, &e)
		// The record outlives buf, so it gets its own copy.
		cl.Produce(ctx, &kgo.Record{Value: append([]byte(nil), buf...)}, promise)
		n++
		if rate > 0 && n%100 == 0 {
			if d := time.Until(start.Add(time.Duration(n * int64(time.Second) / rate))); d > 0 {
				time.Sleep(d)
			}
		}
	}
	if err := cl.Flush(context.Background()); err != nil {
		return err
	}
	if p := failed.Load(); p != nil {
		return *p
	}
	el := time.Since(start)
	fmt.Fprintf(os.Stderr, "produced %d records to %s in %v (%.0f records/s)\n", n, topic, el.Round(time.Millisecond), float64(n)/el.Seconds())
	return nil
}
