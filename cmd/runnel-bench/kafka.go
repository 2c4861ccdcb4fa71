package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/runnel-db/runnel/connector/kafka"
	"github.com/runnel-db/runnel/connector/nexmark"
)

// bus is an embedded broker and a producer into it.
type bus struct {
	broker *kafka.Broker
	client *kgo.Client
	failed atomic.Pointer[error]
}

func startBus(partitions int, linger time.Duration) (*bus, error) {
	broker, err := kafka.StartBroker("127.0.0.1:0", partitions, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	client, err := kgo.NewClient(kgo.SeedBrokers(broker.Addr()), kgo.AllowAutoTopicCreation(),
		kgo.ProducerLinger(linger), kgo.ProducerBatchMaxBytes(1<<20),
		kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		broker.Close()
		return nil, err
	}
	return &bus{broker: broker, client: client}, nil
}

func (b *bus) close() {
	b.client.Close()
	b.broker.Close()
}

func topic(prefix, table string) string { return prefix + "-" + table }

// produce sends one event, as the JSON row of its table, to that table's topic.
func (b *bus) produce(ctx context.Context, prefix string, e *nexmark.Event, buf []byte) []byte {
	buf = nexmark.AppendJSON(buf[:0], e.Type, e)
	// The record outlives buf, so it gets its own copy.
	b.send(ctx, topic(prefix, tableTypes[e.Type]), append([]byte(nil), buf...))
	return buf
}

// send produces asynchronously; the first failure is kept for flush to report.
func (b *bus) send(ctx context.Context, topic string, value []byte) {
	b.client.Produce(ctx, &kgo.Record{Topic: topic, Value: value}, func(_ *kgo.Record, err error) {
		if err != nil {
			b.failed.CompareAndSwap(nil, &err)
		}
	})
}

func (b *bus) flush(ctx context.Context) error {
	if err := b.client.Flush(ctx); err != nil {
		return err
	}
	if p := b.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// prefill writes the first n Nexmark events to one topic per table, the same rows the nexmark
// connector generates for nexmark.event.num = n, so both paths feed a view the same data.
func (b *bus) prefill(ctx context.Context, prefix string, n int64) error {
	o, err := nexmark.ParseOptions(map[string]string{"nexmark.event.num": fmt.Sprint(n)})
	if err != nil {
		return err
	}
	g := nexmark.NewGenerator(o, 0, 1, 0)
	var e nexmark.Event
	var buf []byte
	for g.NextEvent(&e) {
		buf = b.produce(ctx, prefix, &e, buf)
	}
	return b.flush(ctx)
}

// createTopics makes the topics of every table before any source is declared on them, so that a
// view starting before the first record finds its partitions.
func (b *bus) createTopics(ctx context.Context, prefix string, partitions int) error {
	req := kmsg.NewPtrCreateTopicsRequest()
	for _, t := range tableTypes {
		rt := kmsg.NewCreateTopicsRequestTopic()
		rt.Topic = topic(prefix, t)
		rt.NumPartitions = int32(partitions)
		rt.ReplicationFactor = 1
		req.Topics = append(req.Topics, rt)
	}
	resp, err := req.RequestWith(ctx, b.client)
	if err != nil {
		return err
	}
	for _, t := range resp.Topics {
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			return fmt.Errorf("create topic %s: %w", t.Topic, err)
		}
	}
	return nil
}
