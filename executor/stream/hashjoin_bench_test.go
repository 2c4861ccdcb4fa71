package stream

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// hjCounter counts output rows without keeping them, so the benchmark measures the join.
type hjCounter struct{ rows int }

func (c *hjCounter) Push(_ int, ch *types.Chunk) error  { c.rows += ch.Len(); return nil }
func (c *hjCounter) Flush(uint64, *storage.Batch) error { return nil }

// BenchmarkHashJoinInsert inserts 1M rows, chunks alternating between the sides, over 100k join
// keys into an inner join, committing an epoch every 16 chunks: each key ends with about 5 rows a
// side and 25 joined rows. Run it with -benchtime=1x; it reports input rows per second. With a
// 256 MiB cache the state stays in memory; with 16 MiB buckets are evicted and reloaded from
// Pebble.
func BenchmarkHashJoinInsert(b *testing.B) {
	for _, mb := range []int64{256, 16} {
		b.Run(fmt.Sprintf("cache=%dMiB", mb), func(b *testing.B) { benchHashJoinInsert(b, mb<<20) })
	}
}

func benchHashJoinInsert(b *testing.B, cacheBytes int64) {
	const rows, keys, chunksPerEpoch = 1_000_000, 100_000, 16
	ts := []types.Type{types.Int64, types.Int64, types.Int64}
	for range b.N {
		b.StopTimer()
		store, err := storage.Open(b.TempDir(), storage.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		env := &Env{Store: store, CacheBytes: cacheBytes, Ctx: &expr.Context{}}
		out := &hjCounter{}
		hj, err := NewHashJoin(env, 11, Inner, ts, ts, []int{1}, []int{1}, []int{0}, []int{0}, nil, Output{Op: out})
		if err != nil {
			b.Fatal(err)
		}
		// Prebuild the input so that only the join is timed.
		var chunks []*types.Chunk
		for start := 0; start < rows; start += types.MaxChunkRows {
			c := types.NewChunk(3, types.MaxChunkRows)
			for i := start; i < min(rows, start+types.MaxChunkRows); i++ {
				// Spread the keys so consecutive rows hit different buckets.
				k := int64(uint64(i)*2654435761) % keys
				if k < 0 {
					k = -k
				}
				c.Append(types.Insert, types.Row{types.NewInt64(int64(i)), types.NewInt64(k), types.NewInt64(int64(i % 7))})
			}
			chunks = append(chunks, c)
		}
		b.StartTimer()
		t0, cpu0 := time.Now(), hjCPUTime()
		epoch := uint64(0)
		batch := store.NewBatch()
		for i, c := range chunks {
			if err := hj.Push(i%2, c); err != nil {
				b.Fatal(err)
			}
			if (i+1)%chunksPerEpoch == 0 || i == len(chunks)-1 {
				epoch++
				if err := hj.Flush(epoch, batch); err != nil {
					b.Fatal(err)
				}
				if err := store.Commit(epoch, batch); err != nil {
					b.Fatal(err)
				}
				batch = store.NewBatch()
			}
		}
		el, cpu1 := time.Since(t0), hjCPUTime()
		b.StopTimer()
		_ = batch.Close()
		b.ReportMetric(float64(rows)/el.Seconds(), "rows/s")
		b.ReportMetric(float64(out.rows), "out_rows")
		b.ReportMetric(float64(rows)/(cpu1-cpu0).Seconds(), "rows/cpu-s")
		b.ReportMetric(float64(hj.cache.misses)/float64(hj.cache.hits+hj.cache.misses), "bucket_miss_ratio")
		_ = store.Close()
	}
}

// hjCPUTime is the process's CPU time so far: on shared machines wall-clock rates depend on the
// neighbours, CPU time much less.
func hjCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
