package batch

import (
	"context"

	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// rowNumber numbers rows within partitions: its input is sorted by the partition columns and then
// the window's order, and the number restarts whenever the partition columns change.
type rowNumber struct {
	in        Operator
	partition []int
	out       *types.Chunk
	prev      types.Row
	n         int64
	row       types.Row
}

func newRowNumber(n *planner.RowNumber, in Operator) Operator {
	keys := make([]planner.SortKey, 0, len(n.PartitionBy)+len(n.Order))
	for _, p := range n.PartitionBy {
		keys = append(keys, planner.SortKey{Col: p})
	}
	keys = append(keys, n.Order...)
	sorted := newSort(&planner.Sort{Input: n.Input, Keys: keys}, in)
	return &rowNumber{in: sorted, partition: n.PartitionBy, out: types.NewChunk(len(n.Cols), types.MaxChunkRows)}
}

func (o *rowNumber) Next(ctx context.Context) (*types.Chunk, error) {
	c, err := o.in.Next(ctx)
	if err != nil || c == nil {
		return nil, err
	}
	o.out.Reset()
	for i := 0; i < c.Len(); i++ {
		o.row = c.Row(i, o.row)
		same := o.prev != nil
		for _, p := range o.partition {
			if !same || !types.Equal(o.prev[p], o.row[p]) {
				same = false
				break
			}
		}
		if same {
			o.n++
		} else {
			o.n = 1
		}
		o.prev = append(o.prev[:0], o.row...)
		o.out.Append(types.Insert, append(o.row, types.NewInt64(o.n)))
	}
	o.out.Ops = nil
	return o.out, nil
}

func (o *rowNumber) Close() { o.in.Close() }
