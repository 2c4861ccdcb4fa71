package stream

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// One change per epoch into a group of n rows: the cost should not grow with n, since Flush reads
// only the first offset+limit rows of the group.
func BenchmarkTopNChangePerEpoch(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("group=%d", n), func(b *testing.B) {
			store := testStore(b, b.TempDir())
			op, err := NewTopN(testEnv(store), topnTable, topnTypes, []int{0}, nil, []SortKey{vAsc}, 0, 10, true, Output{Op: discardOp{}})
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewSource(1))
			epoch := uint64(0)
			commit := func() {
				epoch++
				batch := store.NewBatch()
				if err := op.Flush(epoch, batch); err != nil {
					b.Fatal(err)
				}
				if err := store.Commit(epoch, batch); err != nil {
					b.Fatal(err)
				}
			}
			id := int64(0)
			for id < int64(n) {
				c := types.NewChunk(len(topnTypes), types.MaxChunkRows)
				for range types.MaxChunkRows {
					c.Append(types.Insert, tr(id, "a", rng.Int63n(1<<40), "payload"))
					id++
				}
				if err := op.Push(0, c); err != nil {
					b.Fatal(err)
				}
				commit()
			}
			b.ResetTimer()
			for range b.N {
				c := types.NewChunk(len(topnTypes), 1)
				c.Append(types.Insert, tr(id, "a", rng.Int63n(1<<40), "payload"))
				id++
				if err := op.Push(0, c); err != nil {
					b.Fatal(err)
				}
				commit()
			}
		})
	}
}

type discardOp struct{}

func (discardOp) Push(int, *types.Chunk) error       { return nil }
func (discardOp) Flush(uint64, *storage.Batch) error { return nil }
