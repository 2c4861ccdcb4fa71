package nexmark

import (
	"testing"

	"github.com/runnel-db/runnel/types"
)

// BenchmarkNext measures the source's generation rate; rows/s is the figure to compare against the
// engine's ingest (the Kafka JSON path decodes ~2.8M records/s per core).
func BenchmarkNext(b *testing.B) {
	for _, typ := range []string{"Bid", "Auction", "Person", ""} {
		name := typ
		if name == "" {
			name = "Combined"
		}
		b.Run(name, func(b *testing.B) {
			o := mustOptions(b, "nexmark.table.type", typ)
			g := NewGenerator(o, 0, 1, 0)
			c := types.NewChunk(len(Columns(o)), types.MaxChunkRows)
			b.ReportAllocs()
			b.ResetTimer()
			rows := 0
			for rows < b.N {
				c.Reset()
				g.Next(c, min(types.MaxChunkRows, b.N-rows))
				rows += c.Len()
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
