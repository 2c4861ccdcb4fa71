package storage

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// commitState puts kv into table t of s at the next epoch.
func commitKV(t testing.TB, s *Store, tab TableID, kv ...string) {
	t.Helper()
	b := s.NewBatch()
	for i := 0; i < len(kv); i += 2 {
		b.Put(tab, []byte(kv[i]), []byte(kv[i+1]))
	}
	mustCommit(t, s, s.CommittedEpoch()+1, b)
}

func stGet(t testing.TB, st *StateTable, key string) string {
	t.Helper()
	v, ok, err := st.Get([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return "<absent>"
	}
	return string(v)
}

func TestStateTableReadYourWrites(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	commitKV(t, s, 3, "a", "committed-a", "b", "committed-b")
	st := NewStateTable(s, 3, 0)
	if st.Table() != 3 {
		t.Fatal("Table")
	}

	steps := []struct {
		op, key, val string // op: put, del, get, flush+commit
		want         string // for get
	}{
		{"get", "a", "", "committed-a"},
		{"get", "zz", "", "<absent>"},
		{"put", "a", "dirty-a", ""},
		{"get", "a", "", "dirty-a"},
		{"del", "b", "", ""},
		{"get", "b", "", "<absent>"},
		{"put", "zz", "new", ""}, // was cached as absent
		{"get", "zz", "", "new"},
		{"commit", "", "", ""},
		{"get", "a", "", "dirty-a"},
		{"get", "b", "", "<absent>"},
		{"put", "a", "a2-longer-than-before", ""},
		{"put", "a", "a3", ""},
		{"get", "a", "", "a3"},
		{"del", "never", "", ""},
		{"get", "never", "", "<absent>"},
		{"commit", "", "", ""},
	}
	for n, step := range steps {
		switch step.op {
		case "put":
			st.Put([]byte(step.key), []byte(step.val))
		case "del":
			st.Delete([]byte(step.key))
		case "get":
			if got := stGet(t, st, step.key); got != step.want {
				t.Fatalf("step %d: Get(%q) = %q, want %q", n, step.key, got, step.want)
			}
		case "commit":
			b := s.NewBatch()
			st.Flush(b)
			if st.DirtyCount() != 0 {
				t.Fatalf("step %d: dirty after flush", n)
			}
			mustCommit(t, s, s.CommittedEpoch()+1, b)
		}
	}
	// The store agrees with what the table showed.
	for k, want := range map[string]string{"a": "a3", "b": "<absent>", "zz": "new", "never": "<absent>"} {
		v, ok := mustGet(t, s.Get, 3, k)
		if !ok {
			v = "<absent>"
		}
		if v != want {
			t.Errorf("store %q = %q, want %q", k, v, want)
		}
	}
	if hits, misses := st.CacheStats(); hits == 0 || misses != 2 {
		t.Errorf("CacheStats = %d hits, %d misses; want misses a, zz (a Delete caches the tombstone)", hits, misses)
	}
}

func TestStateTablePutCopies(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	st := NewStateTable(s, 1, 0)
	k, v := []byte("key"), []byte("val")
	st.Put(k, v)
	k[0], v[0] = 'X', 'X'
	if got := stGet(t, st, "key"); got != "val" {
		t.Fatalf("Get = %q", got)
	}
}

func TestStateTableDirtyCount(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	st := NewStateTable(s, 1, 0)
	st.Put([]byte("a"), []byte("1"))
	st.Put([]byte("a"), []byte("2"))
	st.Delete([]byte("b"))
	if n := st.DirtyCount(); n != 2 {
		t.Fatalf("DirtyCount = %d, want 2", n)
	}
	b := s.NewBatch()
	st.Flush(b)
	if b.Len() != 2 || st.DirtyCount() != 0 {
		t.Fatalf("batch has %d ops, dirty %d", b.Len(), st.DirtyCount())
	}
	// Written again while the flush is in flight: dirty again.
	st.Put([]byte("a"), []byte("3"))
	if n := st.DirtyCount(); n != 1 {
		t.Fatalf("DirtyCount = %d, want 1", n)
	}
	mustCommit(t, s, 1, b)
	b = s.NewBatch()
	st.Flush(b)
	mustCommit(t, s, 2, b)
	if v, _ := mustGet(t, s.Get, 1, "a"); v != "3" {
		t.Fatalf("a = %q", v)
	}
	st.Flush(s.NewBatch()) // nothing dirty: no-op
}

// TestStateTablePinnedSurvivesEviction: entries flushed into a batch that
// is not committed yet must stay readable even under a tiny cache budget,
// or a Get would read the stale committed value.
func TestStateTablePinnedSurvivesEviction(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	const n = 500
	for i := 0; i < n; i++ {
		commitKV(t, s, 1, fmt.Sprintf("k%04d", i), "old")
	}
	st := NewStateTable(s, 1, 1) // one byte: nothing clean stays
	for i := 0; i < n; i += 2 {
		st.Put([]byte(fmt.Sprintf("k%04d", i)), []byte("new"))
	}
	b := s.NewBatch()
	st.Flush(b)
	for round := 0; round < 2; round++ {
		for i := 0; i < n; i++ {
			want := "old"
			if i%2 == 0 {
				want = "new"
			}
			if got := stGet(t, st, fmt.Sprintf("k%04d", i)); got != want {
				t.Fatalf("round %d: k%04d = %q, want %q", round, i, got, want)
			}
		}
		if got := len(scan(t, st.Iter(nil, nil))); got != n {
			t.Fatalf("iter saw %d keys", got)
		}
		if got := fmt.Sprint(scan(t, st.Iter([]byte("k0000"), []byte("k0002")))); got != "[k0000=new k0001=old]" {
			t.Fatalf("iter = %s", got)
		}
		if round == 0 {
			mustCommit(t, s, s.CommittedEpoch()+1, b)
		}
	}
	// Once committed, the flushed entries are evictable: the cache shrinks.
	stGet(t, st, "k0001")
	if used := st.CachedBytes(); used > 1024 {
		t.Fatalf("CachedBytes = %d after commit under a 1-byte budget", used)
	}
}

// TestStateTableAppendedBatch: flushing into an actor's private batch that
// is appended to the epoch batch pins until the epoch batch commits.
func TestStateTableAppendedBatch(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	commitKV(t, s, 1, "k", "old")
	st := NewStateTable(s, 1, 1)
	st.Put([]byte("k"), []byte("new"))
	private, epoch := s.NewBatch(), s.NewBatch()
	st.Flush(private)
	if err := epoch.Append(private); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		stGet(t, st, fmt.Sprint("other", i)) // pressure
	}
	if got := stGet(t, st, "k"); got != "new" {
		t.Fatalf("k = %q before commit", got)
	}
	mustCommit(t, s, s.CommittedEpoch()+1, epoch)
	for i := 0; i < 100; i++ {
		stGet(t, st, fmt.Sprint("more", i))
	}
	if got := stGet(t, st, "k"); got != "new" {
		t.Fatalf("k = %q after commit", got)
	}
	if _, misses := st.CacheStats(); misses < 200 {
		t.Fatalf("misses = %d", misses)
	}
}

func TestStateTableCacheBounded(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	b := s.NewBatch()
	const n = 20000
	for i := 0; i < n; i++ {
		b.Put(1, []byte(fmt.Sprintf("key-%08d", i)), []byte(strings.Repeat("v", 100)))
	}
	mustCommit(t, s, 1, b)
	const budget = 64 << 10
	st := NewStateTable(s, 1, budget)
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 5*n; i++ {
		k := rng.Intn(n + n/10) // some absent keys too
		v, ok, err := st.Get([]byte(fmt.Sprintf("key-%08d", k)))
		if err != nil {
			t.Fatal(err)
		}
		if ok != (k < n) || ok && len(v) != 100 {
			t.Fatalf("key %d: ok=%v len=%d", k, ok, len(v))
		}
		if st.CachedBytes() > budget+1024 {
			t.Fatalf("CachedBytes = %d over budget %d", st.CachedBytes(), budget)
		}
	}
	// A hot key stays cached under CLOCK while cold ones churn.
	for i := 0; i < 1000; i++ {
		stGet(t, st, "key-00000007")
		stGet(t, st, fmt.Sprintf("key-%08d", rng.Intn(n)))
	}
	h0, m0 := st.CacheStats()
	for i := 0; i < 100; i++ {
		stGet(t, st, "key-00000007")
	}
	if h1, m1 := st.CacheStats(); h1-h0 != 100 || m1 != m0 {
		t.Fatalf("hot key missed: hits +%d, misses +%d", h1-h0, m1-m0)
	}
}

func TestStateTableDeletePrefix(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	commitKV(t, s, 1, "g1/a", "1", "g1/b", "2", "g2/a", "3", "g1", "x")
	st := NewStateTable(s, 1, 0)
	st.Put([]byte("g1/c"), []byte("4"))
	st.Put([]byte("g2/b"), []byte("5"))
	if err := st.DeletePrefix([]byte("g1/")); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(scan(t, st.Iter(nil, nil))); got != "[g1=x g2/a=3 g2/b=5]" {
		t.Fatalf("after DeletePrefix: %s", got)
	}
	b := s.NewBatch()
	st.Flush(b)
	mustCommit(t, s, s.CommittedEpoch()+1, b)
	if got := fmt.Sprint(scan(t, s.NewIter(1, nil, nil))); got != "[g1=x g2/a=3 g2/b=5]" {
		t.Fatalf("store after DeletePrefix: %s", got)
	}
}

func TestMergedIter(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	commitKV(t, s, 1, "b", "B", "d", "D", "f", "F", "h", "H")
	commitKV(t, s, 2, "a", "other table")
	st := NewStateTable(s, 1, 0)
	st.Put([]byte("a"), []byte("a"))  // before everything
	st.Put([]byte("d"), []byte("d'")) // overrides committed
	st.Delete([]byte("f"))            // hides committed
	st.Put([]byte("g"), []byte("g"))  // between committed keys
	st.Delete([]byte("x"))            // deletes nothing
	st.Put([]byte("z"), []byte("z"))  // after everything

	all := "[a=a b=B d=d' g=g h=H z=z]"
	for _, tc := range []struct {
		name   string
		lo, hi string
		nilLo  bool
		nilHi  bool
		want   string
	}{
		{"all", "", "", true, true, all},
		{"lo", "c", "", false, true, "[d=d' g=g h=H z=z]"},
		{"hi", "", "g", true, false, "[a=a b=B d=d']"},
		{"both", "b", "h", false, false, "[b=B d=d' g=g]"},
		{"only deleted", "e", "g", false, false, "[]"},
		{"empty", "q", "q", false, false, "[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var lo, hi []byte
			if !tc.nilLo {
				lo = []byte(tc.lo)
			}
			if !tc.nilHi {
				hi = []byte(tc.hi)
			}
			if got := fmt.Sprint(scan(t, st.Iter(lo, hi))); got != tc.want {
				t.Fatalf("forward = %s, want %s", got, tc.want)
			}
			rev := scanReverse(t, st.Iter(lo, hi))
			slices.Reverse(rev)
			if got := fmt.Sprint(rev); got != tc.want {
				t.Fatalf("reverse = %s, want %s", got, tc.want)
			}
		})
	}

	it := st.Iter(nil, nil)
	defer it.Close()
	for _, tc := range []struct {
		op   string
		key  string
		ok   bool
		want string
	}{
		{"seekge", "c", true, "d"},
		{"next", "", true, "g"},
		{"prev", "", true, "d"}, // direction change
		{"prev", "", true, "b"},
		{"next", "", true, "d"},
		{"seekge", "e", true, "g"}, // skips deleted f
		{"prev", "", true, "d"},
		{"seeklt", "g", true, "d"}, // skips deleted f
		{"seeklt", "h", true, "g"},
		{"next", "", true, "h"},
		{"next", "", true, "z"},
		{"next", "", false, ""},
		{"next", "", false, ""},
		{"last", "", true, "z"},
		{"prev", "", true, "h"},
		{"first", "", true, "a"},
		{"prev", "", false, ""},
		{"seeklt", "a", false, ""},
		{"seekge", "zz", false, ""},
		{"seekge", "", true, "a"},
	} {
		var ok bool
		switch tc.op {
		case "seekge":
			ok = it.SeekGE([]byte(tc.key))
		case "seeklt":
			ok = it.SeekLT([]byte(tc.key))
		case "next":
			ok = it.Next()
		case "prev":
			ok = it.Prev()
		case "first":
			ok = it.First()
		case "last":
			ok = it.Last()
		}
		if ok != tc.ok || ok != it.Valid() || ok && string(it.Key()) != tc.want {
			got := ""
			if it.Valid() {
				got = string(it.Key())
			}
			t.Fatalf("%s(%q) = %v %q, want %v %q", tc.op, tc.key, ok, got, tc.ok, tc.want)
		}
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
}

// TestMergedIterStableView: the iterator shows the table as of its
// creation even if the owner writes while it is open.
func TestMergedIterStableView(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	st := NewStateTable(s, 1, 0)
	st.Put([]byte("a"), []byte("1111"))
	it := st.Iter(nil, nil)
	st.Put([]byte("a"), []byte("2")) // would fit in place
	st.Put([]byte("b"), []byte("new"))
	if got := fmt.Sprint(scan(t, it)); got != "[a=1111]" {
		t.Fatalf("iter = %s", got)
	}
	if got := stGet(t, st, "a"); got != "2" {
		t.Fatalf("a = %q", got)
	}
}

// TestStateTableModel drives a StateTable with random operations under a
// tiny cache and checks every read against a map, across flushes, commits
// (some delayed, so pinned entries coexist with new dirty ones) and a
// reopen.
func TestStateTableModel(t *testing.T) {
	for _, budget := range []int64{1, 2 << 10, 1 << 20} {
		t.Run(fmt.Sprint("budget=", budget), func(t *testing.T) {
			dir := t.TempDir()
			s := openTest(t, dir)
			rng := rand.New(rand.NewSource(budget))
			st := NewStateTable(s, 9, budget)
			model := map[string]string{}
			var inflight *Batch
			key := func() string { return fmt.Sprintf("k%03d", rng.Intn(300)) }
			check := func() {
				var want []string
				for k, v := range model {
					want = append(want, k+"="+v)
				}
				slices.Sort(want)
				lo, hi := key(), key()
				if hi < lo {
					lo, hi = hi, lo
				}
				var wantRange []string
				for _, kv := range want {
					if k := kv[:strings.IndexByte(kv, '=')]; k >= lo && k < hi {
						wantRange = append(wantRange, kv)
					}
				}
				if got := scan(t, st.Iter(nil, nil)); !slices.Equal(got, want) {
					t.Fatalf("forward:\n got %v\nwant %v", got, want)
				}
				rev := scanReverse(t, st.Iter([]byte(lo), []byte(hi)))
				slices.Reverse(rev)
				if !slices.Equal(rev, wantRange) {
					t.Fatalf("reverse [%s,%s):\n got %v\nwant %v", lo, hi, rev, wantRange)
				}
			}
			for step := 0; step < 6000; step++ {
				switch r := rng.Intn(100); {
				case r < 35:
					k := key()
					v := strings.Repeat("v", rng.Intn(20)) + fmt.Sprint(step)
					st.Put([]byte(k), []byte(v))
					model[k] = v
				case r < 50:
					k := key()
					st.Delete([]byte(k))
					delete(model, k)
				case r < 90:
					k := key()
					want, ok := model[k]
					if !ok {
						want = "<absent>"
					}
					if got := stGet(t, st, k); got != want {
						t.Fatalf("step %d: Get(%s) = %q, want %q", step, k, got, want)
					}
				case r < 95:
					// Barrier: flush into a new batch; commit the previous
					// one only now, so flushed entries stay pinned a while.
					b := s.NewBatch()
					st.Flush(b)
					if inflight != nil {
						mustCommit(t, s, s.CommittedEpoch()+1, inflight)
					}
					inflight = b
				case r < 97:
					check()
				default:
					prefix := fmt.Sprintf("k%d", rng.Intn(3))
					if err := st.DeletePrefix([]byte(prefix)); err != nil {
						t.Fatal(err)
					}
					for k := range model {
						if strings.HasPrefix(k, prefix) {
							delete(model, k)
						}
					}
				}
			}
			check()
			b := s.NewBatch()
			st.Flush(b)
			if inflight != nil {
				mustCommit(t, s, s.CommittedEpoch()+1, inflight)
			}
			mustCommit(t, s, s.CommittedEpoch()+1, b)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = openTest(t, dir)
			defer s.Close()
			st = NewStateTable(s, 9, budget)
			check()
		})
	}
}

// A state table created over an empty table answers misses without Pebble while its cache holds
// everything it wrote; once it has evicted, or over a table with committed keys, a miss reads
// Pebble. Either way Get must see every committed key.
func TestStateTableCompleteCache(t *testing.T) {
	for _, tc := range []struct {
		name      string
		committed bool  // the table has a key before the state table is created
		budget    int64 // tiny: evicts
	}{
		{"empty, roomy", false, 1 << 20},
		{"empty, evicting", false, 4 << 10},
		{"committed, roomy", true, 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t, "")
			defer s.Close()
			if tc.committed {
				commitKV(t, s, 1, "old", "v")
			}
			st := NewStateTable(s, 1, tc.budget)
			const n = 500
			for i := 0; i < n; i++ {
				st.Put([]byte(fmt.Sprintf("key-%04d", i)), []byte(strings.Repeat("v", 50)))
				if i%100 == 99 {
					b := s.NewBatch()
					st.Flush(b)
					mustCommit(t, s, s.CommittedEpoch()+1, b)
				}
			}
			for i := 0; i < n; i++ {
				if got := stGet(t, st, fmt.Sprintf("key-%04d", i)); len(got) != 50 {
					t.Fatalf("key-%04d: %s", i, got)
				}
			}
			if got := stGet(t, st, "absent"); got != "<absent>" {
				t.Fatalf("absent key: %s", got)
			}
			if tc.committed {
				if got := stGet(t, st, "old"); got != "v" {
					t.Fatalf("committed key: %s", got)
				}
			}
			if complete := st.complete(); complete != (!tc.committed && tc.budget > 1<<16) {
				t.Errorf("complete = %v", complete)
			}
		})
	}
}
