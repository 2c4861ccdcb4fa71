package kafka

import (
	"context"
	"log/slog"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func TestReaderDiscoversNewPartition(t *testing.T) {
	defer func(d time.Duration) { discoverEvery = d }(discoverEvery)
	discoverEvery = 300 * time.Millisecond
	b := startBroker(t, 3)
	produce(t, b.Addr(), "t", 3, 0, 30, time.Time{})
	// Latest mode: the partitions that exist now start at the end, yet every record of a partition
	// added later must be read.
	r, err := NewReader(context.Background(), sourceOptions(t, b.Addr(), "t", "scan.startup.mode", "latest"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	waitAssigned(t, r, 3)

	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	req := kmsg.NewPtrCreatePartitionsRequest()
	rt := kmsg.NewCreatePartitionsRequestTopic()
	rt.Topic, rt.Count = "t", 4
	req.Topics = append(req.Topics, rt)
	req.TimeoutMillis = 5000
	resp, err := req.RequestWith(context.Background(), cl)
	if err != nil {
		t.Fatal(err)
	}
	if err := kerr.ErrorForCode(resp.Topics[0].ErrorCode); err != nil {
		t.Fatalf("create partitions: %v", err)
	}
	// Records go to the new partition before the reader can have noticed it.
	produce(t, b.Addr(), "t", 4, 3, 1, time.Time{})  // value v3 -> partition 3
	produce(t, b.Addr(), "t", 4, 7, 1, time.Time{})  // v7 -> partition 3
	produce(t, b.Addr(), "t", 4, 40, 1, time.Time{}) // v40 -> partition 0
	recs := readN(t, r, 3, 20*time.Second)
	got := valuesByPartition(recs)
	if len(got[3]) != 2 || got[3][0] != "v3" || got[3][1] != "v7" || len(got[0]) != 1 || got[0][0] != "v40" {
		t.Fatalf("got %v", got)
	}
}

// countingHandler counts log records at warning level and above.
type countingHandler struct {
	slog.Handler
	warns *atomic.Int64
}

func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		h.warns.Add(1)
	}
	return h.Handler.Handle(ctx, r)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestReaderSurvivesBrokerRestart(t *testing.T) {
	b, err := StartBroker("127.0.0.1:0", 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := b.Addr()
	produce(t, addr, "t", 3, 0, 30, time.Time{})
	var warns atomic.Int64
	log := slog.New(countingHandler{testLogger(t).Handler(), &warns})
	r, err := NewReader(context.Background(), sourceOptions(t, addr, "t"), nil, log)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	readN(t, r, 30, 20*time.Second)

	// Broker down: Fetch keeps waiting, the error shows, and waiting costs (almost) nothing.
	b.Close()
	fetchDone := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _, err := r.Fetch(ctx); fetchDone <- err }()
	cpu0, wall0 := cpuTime(), time.Now()
	time.Sleep(3 * time.Second)
	cpu := cpuTime() - cpu0
	wall := time.Since(wall0)
	cancel()
	if err := <-fetchDone; err != context.Canceled {
		t.Fatalf("Fetch while the broker is down returned %v", err)
	}
	if r.LastError() == nil {
		t.Fatal("LastError is nil while the broker is down")
	}
	t.Logf("broker down for %v: %v CPU, %d warnings, last error %v", wall, cpu, warns.Load(), r.LastError())
	if cpu > wall/5 {
		t.Errorf("reader used %v CPU in %v with the broker down", cpu, wall)
	}
	if n := warns.Load(); n > 3 {
		t.Errorf("%d warnings logged in %v", n, wall)
	}

	// A broker on the same address again. It starts empty, so the topic is created anew (a new
	// topic id): the reader notices and reads the new topic from the start.
	b2, err := StartBroker(addr, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	produce(t, addr, "t", 3, 100, 60, time.Time{})
	recs := readN(t, r, 60, 30*time.Second)
	seen := map[string]bool{}
	for _, rec := range recs {
		seen[string(rec.Value)] = true
	}
	if len(seen) != 60 || !seen["v100"] || !seen["v159"] {
		t.Fatalf("after restart read %d distinct records", len(seen))
	}
	deadline := time.Now().Add(15 * time.Second)
	for r.LastError() != nil && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if err := r.LastError(); err != nil {
		t.Errorf("LastError still %v after recovery", err)
	}
}

func TestNewReaderWithoutBroker(t *testing.T) {
	// Nothing listens on this port: NewReader must still succeed and report the problem.
	r, err := NewReader(context.Background(), sourceOptions(t, "127.0.0.1:1", "t"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	deadline := time.Now().Add(10 * time.Second)
	for r.LastError() == nil && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if r.LastError() == nil {
		t.Fatal("no error reported for an unreachable broker")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := r.Fetch(ctx); err != context.DeadlineExceeded {
		t.Fatalf("Fetch = %v", err)
	}
}
