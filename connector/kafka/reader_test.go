package kafka

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"
)

func valuesByPartition(recs []Record) map[int32][]string {
	m := map[int32][]string{}
	for _, r := range recs {
		m[r.Partition] = append(m[r.Partition], string(r.Value))
	}
	return m
}

func TestReaderEarliestReadsAllOnce(t *testing.T) {
	b := startBroker(t, 3)
	produce(t, b.Addr(), "t", 3, 0, 300, time.Time{})
	r, err := NewReader(context.Background(), sourceOptions(t, b.Addr(), "t"), nil, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs := readN(t, r, 300, 20*time.Second)
	if len(recs) != 300 {
		t.Fatalf("read %d records, want 300", len(recs))
	}
	seen := map[string]bool{}
	for _, rec := range recs {
		v := string(rec.Value)
		if seen[v] {
			t.Fatalf("duplicate %s", v)
		}
		seen[v] = true
		if want := fmt.Sprintf("v%d", int(rec.Offset)*3+int(rec.Partition)); v != want {
			t.Fatalf("partition %d offset %d: %s, want %s", rec.Partition, rec.Offset, v, want)
		}
	}
	expectNothing(t, r, 300*time.Millisecond)
	if err := r.LastError(); err != nil {
		t.Fatalf("LastError = %v", err)
	}
	lag := r.Lag()
	for p := int32(0); p < 3; p++ {
		if l, ok := lag[p]; !ok || l != 0 {
			t.Errorf("lag of partition %d = %d, %v; want 0", p, l, ok)
		}
	}
}

func TestReaderResumesFromOffsets(t *testing.T) {
	b := startBroker(t, 3)
	produce(t, b.Addr(), "t", 3, 0, 300, time.Time{}) // 100 per partition
	next := map[int32]int64{0: 100, 1: 40, 2: 99}     // partition 0 is done
	r, err := NewReader(context.Background(), sourceOptions(t, b.Addr(), "t", "scan.startup.mode", "latest"), next, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs := readN(t, r, 61, 20*time.Second)
	got := map[int32][]int64{}
	for _, rec := range recs {
		got[rec.Partition] = append(got[rec.Partition], rec.Offset)
	}
	if len(got[0]) != 0 || len(got[1]) != 60 || got[1][0] != 40 || len(got[2]) != 1 || got[2][0] != 99 {
		t.Fatalf("got %v", got)
	}
	expectNothing(t, r, 300*time.Millisecond)
}

func TestReaderLatest(t *testing.T) {
	b := startBroker(t, 3)
	produce(t, b.Addr(), "t", 3, 0, 30, time.Time{})
	r, err := NewReader(context.Background(), sourceOptions(t, b.Addr(), "t", "scan.startup.mode", "latest"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// Give the reader time to place itself at the end before newer records arrive.
	waitAssigned(t, r, 3)
	expectNothing(t, r, 300*time.Millisecond)
	produce(t, b.Addr(), "t", 3, 30, 6, time.Time{})
	recs := readN(t, r, 6, 20*time.Second)
	var vs []string
	for _, rec := range recs {
		vs = append(vs, string(rec.Value))
	}
	sort.Strings(vs)
	if fmt.Sprint(vs) != "[v30 v31 v32 v33 v34 v35]" {
		t.Fatalf("latest read %v", vs)
	}
}

func TestReaderTimestamp(t *testing.T) {
	b := startBroker(t, 3)
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	produce(t, b.Addr(), "t", 3, 0, 30, base)
	produce(t, b.Addr(), "t", 3, 30, 30, base.Add(time.Minute))
	o := sourceOptions(t, b.Addr(), "t", "scan.startup.timestamp.millis", fmt.Sprint(base.Add(30*time.Second).UnixMilli()))
	r, err := NewReader(context.Background(), o, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs := readN(t, r, 30, 20*time.Second)
	for _, rec := range recs {
		var i int
		fmt.Sscanf(string(rec.Value), "v%d", &i)
		if i < 30 || rec.Timestamp != base.Add(time.Minute).UnixMilli() {
			t.Fatalf("timestamp mode read %s at %d", rec.Value, rec.Timestamp)
		}
	}
	expectNothing(t, r, 300*time.Millisecond)
}

// waitAssigned waits until the reader's discovery has placed n partitions (they then show in the
// consumer's fetch state); approximated by waiting for a successful metadata round.
func waitAssigned(t *testing.T, r *Reader, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ps, _, err := r.partitions(context.Background())
		if err == nil && len(ps) >= n {
			time.Sleep(500 * time.Millisecond) // the list-offsets round for AtEnd
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("partitions never appeared")
}
