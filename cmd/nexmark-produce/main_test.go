package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/runnel-db/runnel/connector/kafka"
)

func TestProduce(t *testing.T) {
	b, err := kafka.StartBroker("127.0.0.1:0", 2, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := run(b.Addr(), "bids", 1000, "bid", 0, 0); err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addr()), kgo.ConsumeTopics("bids"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n := 0
	for n < 920 && ctx.Err() == nil {
		cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
			if !strings.HasPrefix(string(r.Value), `{"auction":`) {
				t.Errorf("record %s", r.Value)
			}
			n++
		})
	}
	if n != 920 { // 1000 events hold 920 bids
		t.Fatalf("consumed %d records", n)
	}
}
