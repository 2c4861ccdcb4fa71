package storage

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Two tables whose own allowances are each as large as the whole shared budget: reading through
// both must keep their sum near the shared budget, not twice it.
func TestStateTablesShareBudget(t *testing.T) {
	const shared = 4 << 20
	s, err := Open(t.TempDir(), Options{NoSync: true, CacheSize: 8 << 20, StateCacheBytes: shared, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 40000 // 40k * ~200 B = ~8 MiB per table when fully cached
	val := strings.Repeat("v", 100)
	for _, tab := range []TableID{1, 2} {
		b := s.NewBatch()
		for i := 0; i < n; i++ {
			b.Put(tab, []byte(fmt.Sprintf("key-%08d", i)), []byte(val))
		}
		mustCommit(t, s, s.CommittedEpoch()+1, b)
	}
	a, b := NewStateTable(s, 1, shared), NewStateTable(s, 2, shared)
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("key-%08d", i)
		stGet(t, a, k)
		stGet(t, b, k)
		if sum := a.CachedBytes() + b.CachedBytes(); sum > shared+2*budgetSlack+64<<10 {
			t.Fatalf("after %d reads each, the tables cache %d bytes together, over the shared %d", i, sum, shared)
		}
	}
	// Both keep a fair part: neither starves below the floor.
	if a.CachedBytes() < budgetFloor || b.CachedBytes() < budgetFloor {
		t.Fatalf("cached %d and %d, want both >= %d", a.CachedBytes(), b.CachedBytes(), budgetFloor)
	}

	// A table that is garbage gives its share back.
	used := s.StateBudget().Used()
	b = nil
	deadline := time.Now().Add(5 * time.Second)
	for s.StateBudget().Used() >= used && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := s.StateBudget().Used(); got >= used {
		t.Fatalf("budget used %d after the table was collected, want < %d", got, used)
	}
	runtime.KeepAlive(a)
}

func TestEpochFullAndOverloaded(t *testing.T) {
	const epoch = 1 << 20
	s, err := Open(t.TempDir(), Options{NoSync: true, CacheSize: 8 << 20, EpochBytes: epoch, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st := NewStateTable(s, 1, 64<<20)
	val := []byte(strings.Repeat("v", 1000))
	full := func() bool {
		select {
		case <-s.EpochFull():
			return true
		default:
			return false
		}
	}
	put := func(from, to int) {
		for i := from; i < to; i++ {
			st.Put([]byte(fmt.Sprintf("key-%08d", i)), val)
		}
	}
	steps := []struct {
		name             string
		do               func()
		full, overloaded bool
	}{
		{"half an epoch", func() { put(0, 500) }, false, false},
		{"a whole epoch", func() { put(500, 1100) }, true, false},
		{"a token is given once", func() { put(1100, 1200) }, false, false},
		{"two epochs", func() { put(1200, 2200) }, false, true},
		{"a barrier resets", s.ResetWrites, false, false},
		{"blind writes count too", func() {
			for i := 0; i < 1100; i++ {
				st.PutBlind([]byte(fmt.Sprintf("blind-%08d", i)), val)
			}
		}, true, false},
	}
	for _, step := range steps {
		step.do()
		if got := full(); got != step.full {
			t.Fatalf("%s: EpochFull fired = %v, want %v", step.name, got, step.full)
		}
		if got := s.Overloaded(); got != step.overloaded {
			t.Fatalf("%s: Overloaded = %v, want %v", step.name, got, step.overloaded)
		}
	}
}
