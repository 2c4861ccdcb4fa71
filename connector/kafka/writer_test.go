package kafka

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestWriterProduceFlushReadBack(t *testing.T) {
	b := startBroker(t, 3)
	o, err := ParseSinkOptions(map[string]string{"connector": "kafka", "topic": "out", "properties.bootstrap.server": b.Addr(), "primary_key": "a, b"})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(o.PrimaryKey) != "[a b]" {
		t.Fatalf("primary key %v", o.PrimaryKey)
	}
	w, err := NewWriter(context.Background(), o, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	buf := make([]byte, 0, 16)
	for i := 0; i < 100; i++ {
		buf = fmt.Appendf(buf[:0], "v%d", i) // reused: Produce must copy
		w.Produce([]byte(fmt.Sprintf("k%d", i)), buf)
	}
	w.Produce([]byte("gone"), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(ctx, sourceOptions(t, b.Addr(), "out"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs := readN(t, r, 101, 20*time.Second)
	got := map[string]string{}
	tombstones := 0
	for _, rec := range recs {
		if rec.Value == nil {
			tombstones++
			continue
		}
		got[string(rec.Key)] = string(rec.Value)
	}
	if tombstones != 1 || len(got) != 100 || got["k7"] != "v7" || got["k99"] != "v99" {
		t.Fatalf("tombstones %d, %d keys, k7=%q", tombstones, len(got), got["k7"])
	}
}
