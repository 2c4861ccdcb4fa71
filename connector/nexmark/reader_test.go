package nexmark

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/runnel-db/runnel/types"
)

func TestReaderSplitsAndRowIDs(t *testing.T) {
	o := mustOptions(t, "nexmark.table.type", "Bid", "nexmark.split.num", "2", "nexmark.event.num", "500",
		"nexmark.min.event.gap.in.ns", "0", "nexmark.max.chunk.size", "100")
	r := NewReader(o, map[int32]int64{1: 30}, true)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	got := map[int32]int64{}
	ids := map[int64]bool{}
	rows := 0
	for {
		c := types.NewChunk(r.Width(), 100)
		next, err := r.Read(ctx, c)
		if err != nil {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatal(err)
			}
			break
		}
		for s, p := range next {
			got[s] = p
		}
		for _, d := range c.Cols[len(c.Cols)-1][:c.Len()] {
			if ids[d.Int()] {
				t.Fatalf("row id %d twice", d.Int())
			}
			ids[d.Int()] = true
		}
		rows += c.Len()
	}
	// 500 events hold 460 bids: 230 per split, of which split 1 had already produced 30.
	if got[0] != 230 || got[1] != 230 || rows != 430 || !ids[1<<40|30] || ids[1<<40|29] {
		t.Fatalf("positions %v, %d rows", got, rows)
	}
}

func TestReaderPaces(t *testing.T) {
	// 1 ms per event: the third chunk of 10 events is due 20 ms after the start.
	o := mustOptions(t, "nexmark.min.event.gap.in.ns", "1000000", "nexmark.max.chunk.size", "10")
	r := NewReader(o, nil, false)
	start := time.Now()
	for range 3 {
		if _, err := r.Read(context.Background(), types.NewChunk(r.Width(), 10)); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 20*time.Millisecond || d > 2*time.Second {
		t.Fatalf("three paced chunks took %v", d)
	}
}
