package storage

import (
	"encoding/binary"
	"testing"
)

// benchKey writes an 8-byte big-endian key, the shape of a memcomparable
// bigint group key.
func benchKey(buf []byte, i int) []byte {
	binary.BigEndian.PutUint64(buf, uint64(i))
	return buf[:8]
}

func benchStore(b *testing.B, n int) *Store {
	s := openTest(b, "")
	b.Cleanup(func() { s.Close() })
	batch := s.NewBatch()
	var k [8]byte
	val := make([]byte, 32)
	for i := 0; i < n; i++ {
		batch.Put(1, benchKey(k[:], i), val)
	}
	mustCommit(b, s, 1, batch)
	// Large state lives in sstables, not the memtable: read it from there.
	if err := s.db.Flush(); err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkStateTableGetHit(b *testing.B) {
	const n = 10000
	s := benchStore(b, n)
	st := NewStateTable(s, 1, 64<<20)
	var k [8]byte
	for i := 0; i < n; i++ {
		st.Get(benchKey(k[:], i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, _ := st.Get(benchKey(k[:], i%n)); !ok {
			b.Fatal("missing")
		}
	}
}

// BenchmarkStateTableGetMiss reads committed keys through a cache too
// small to hold them: every Get goes to Pebble (its block cache warm) and
// inserts into the cache, evicting another entry.
func BenchmarkStateTableGetMiss(b *testing.B) {
	const n = 100000
	s := benchStore(b, n)
	st := NewStateTable(s, 1, 64<<10)
	var k [8]byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, _ := st.Get(benchKey(k[:], (i*7919)%n)); !ok {
			b.Fatal("missing")
		}
	}
	b.StopTimer()
	if h, _ := st.CacheStats(); h > uint64(b.N)/10 {
		b.Fatalf("%d hits: not a miss benchmark", h)
	}
}

// BenchmarkStateTableGetAbsent probes keys that do not exist (new groups),
// each once: bloom filters and the memtable answer.
func BenchmarkStateTableGetAbsent(b *testing.B) {
	s := benchStore(b, 100000)
	st := NewStateTable(s, 1, 64<<10)
	var k [8]byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, _ := st.Get(benchKey(k[:], 1<<40+i)); ok {
			b.Fatal("present")
		}
	}
}

// BenchmarkStateTablePut updates existing dirty keys in place: the hash
// aggregation pattern (one group updated by many rows in an epoch).
func BenchmarkStateTablePut(b *testing.B) {
	s := benchStore(b, 0)
	st := NewStateTable(s, 1, 64<<20)
	const n = 10000
	var k [8]byte
	val := make([]byte, 32)
	for i := 0; i < n; i++ {
		st.Put(benchKey(k[:], i), val)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		val[0] = byte(i)
		st.Put(benchKey(k[:], i%n), val)
	}
}

// BenchmarkStateTablePutNew inserts keys never seen before, in steady
// state: every 10k puts the epoch is flushed and committed (untimed), so
// older entries become clean and the cache evicts them to make room.
func BenchmarkStateTablePutNew(b *testing.B) {
	s := benchStore(b, 0)
	st := NewStateTable(s, 1, 4<<20)
	var k [8]byte
	val := make([]byte, 32)
	epoch := uint64(1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st.Put(benchKey(k[:], i), val)
		if i%10000 == 9999 {
			b.StopTimer()
			batch := s.NewBatch()
			st.Flush(batch)
			epoch++
			mustCommit(b, s, epoch, batch)
			b.StartTimer()
		}
	}
}

// BenchmarkStateTableFlush10k moves 10k dirty entries into a batch: the
// StateTable's share of a barrier. The batch is then marked committed
// without applying it, so the entries unpin without Pebble's cost (see
// FlushCommit10k for that).
func BenchmarkStateTableFlush10k(b *testing.B) {
	s := benchStore(b, 0)
	st := NewStateTable(s, 1, 64<<20)
	var k [8]byte
	val := make([]byte, 32)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := 0; j < 10000; j++ {
			st.Put(benchKey(k[:], j), val)
		}
		batch := s.NewBatch()
		b.StartTimer()
		st.Flush(batch)
		b.StopTimer()
		batch.markCommitted()
		batch.Close()
		b.StartTimer()
	}
}

// BenchmarkStateTableFlushCommit10k is Flush plus Commit without fsync:
// dominated by Pebble inserting 10k keys into its memtable.
func BenchmarkStateTableFlushCommit10k(b *testing.B) {
	s := benchStore(b, 0)
	st := NewStateTable(s, 1, 64<<20)
	var k [8]byte
	val := make([]byte, 32)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := 0; j < 10000; j++ {
			st.Put(benchKey(k[:], j), val)
		}
		b.StartTimer()
		batch := s.NewBatch()
		st.Flush(batch)
		if err := s.Commit(uint64(i+2), batch); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStoreCommitSync(b *testing.B) {
	s, err := Open(b.TempDir(), Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var k [8]byte
	val := make([]byte, 32)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		batch := s.NewBatch()
		for j := 0; j < 100; j++ {
			batch.Put(1, benchKey(k[:], i*100+j), val)
		}
		if err := s.Commit(uint64(i+1), batch); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMergedIterScan(b *testing.B) {
	const n = 10000
	s := benchStore(b, n)
	st := NewStateTable(s, 1, 64<<20)
	var k [8]byte
	val := make([]byte, 32)
	for i := 0; i < n; i += 10 {
		st.Put(benchKey(k[:], i), val)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		it := st.Iter(nil, nil)
		c := 0
		for ok := it.First(); ok; ok = it.Next() {
			c++
		}
		it.Close()
		if c != n {
			b.Fatal(c)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
}
