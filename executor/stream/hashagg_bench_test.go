package stream

import (
	"math/rand/v2"
	"testing"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// BenchmarkHashAgg pushes 1M inserts into 10k groups (Nexmark q4/q7 style: GROUP BY an id, prices
// spread wide), committing an epoch every 64 chunks. One op is the whole million rows.
func BenchmarkHashAgg(b *testing.B) {
	const rows, groups, chunksPerEpoch = 1 << 20, 10_000, 64
	i64 := types.Int64
	count := AggCall{Func: agFunc(b, "count", false), Filter: -1}
	sum := AggCall{Func: agFunc(b, "sum", false, i64), Args: []int{1}, Filter: -1}
	maxPrice := AggCall{Func: agFunc(b, "max", false, i64), Args: []int{1}, Filter: -1}
	rng := rand.New(rand.NewPCG(1, 2))
	// Random prices, and a rising value (an event time) as max(date_time) sees it.
	var random, rising []*types.Chunk
	for n := 0; n < rows; n += types.MaxChunkRows {
		c := types.NewChunk(2, types.MaxChunkRows)
		r := types.NewChunk(2, types.MaxChunkRows)
		for j := range types.MaxChunkRows {
			g := types.NewInt64(rng.Int64N(groups))
			c.Append(types.Insert, types.Row{g, types.NewInt64(rng.Int64N(10_000_000))})
			r.Append(types.Insert, types.Row{g, types.NewInt64(int64(n + j))})
		}
		random, rising = append(random, c), append(rising, r)
	}
	for _, bc := range []struct {
		name   string
		calls  []AggCall
		chunks []*types.Chunk
	}{
		{"count_sum", []AggCall{count, sum}, random},
		{"count_sum_max", []AggCall{count, sum, maxPrice}, random},
		{"count_sum_max_rising", []AggCall{count, sum, maxPrice}, rising},
	} {
		chunks := bc.chunks
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				store, err := storage.Open(b.TempDir(), storage.Options{NoSync: true})
				if err != nil {
					b.Fatal(err)
				}
				env := &Env{Store: store, CacheBytes: 64 << 20, Ctx: &expr.Context{}}
				h, err := NewHashAgg(env, 42, []types.Type{i64, i64}, []int{0}, bc.calls, Output{Op: agDiscard{}})
				if err != nil {
					b.Fatal(err)
				}
				epoch := store.CommittedEpoch()
				batch := store.NewBatch()
				b.StartTimer()
				for i, c := range chunks {
					if err := h.Push(0, c); err != nil {
						b.Fatal(err)
					}
					if (i+1)%chunksPerEpoch == 0 || i == len(chunks)-1 {
						epoch++
						if err := h.Flush(epoch, batch); err != nil {
							b.Fatal(err)
						}
						if err := store.Commit(epoch, batch); err != nil {
							b.Fatal(err)
						}
						batch = store.NewBatch()
					}
				}
				b.StopTimer()
				_ = store.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// agDiscard is an Output that drops what it gets.
type agDiscard struct{}

func (agDiscard) Push(int, *types.Chunk) error       { return nil }
func (agDiscard) Flush(uint64, *storage.Batch) error { return nil }
