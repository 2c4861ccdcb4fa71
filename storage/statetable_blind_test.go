package storage

import "testing"

// PutBlind writes reach the epoch's batch without entering the cache, and read back after commit.
func TestPutBlind(t *testing.T) {
	s, err := Open(t.TempDir(), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st := NewStateTable(s, 20001, 1<<20)
	for i := 0; i < 1000; i++ {
		st.PutBlind([]byte{byte(i >> 8), byte(i)}, []byte{byte(i)})
	}
	if st.CachedBytes() != 0 || st.DirtyCount() != 0 {
		t.Fatalf("blind writes entered the cache: %d bytes, %d dirty", st.CachedBytes(), st.DirtyCount())
	}
	b := s.NewBatch()
	st.Flush(b)
	if err := s.Commit(1, b); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 255, 999} {
		v, ok, err := st.Get([]byte{byte(i >> 8), byte(i)})
		if err != nil || !ok || len(v) != 1 || v[0] != byte(i) {
			t.Fatalf("key %d: %v %v %v", i, v, ok, err)
		}
	}
	// The arena is reused by the next epoch.
	st.PutBlind([]byte("x"), []byte("y"))
	b = s.NewBatch()
	st.Flush(b)
	if err := s.Commit(2, b); err != nil {
		t.Fatal(err)
	}
	if v, ok, _ := st.Get([]byte("x")); !ok || string(v) != "y" {
		t.Fatalf("second epoch: %q %v", v, ok)
	}
}
