package batch

import (
	"context"
	"fmt"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// scanOp reads a stored relation in key order at the query's snapshot. Rows are decoded into one
// reused row buffer and scattered into reused column vectors: no allocation per row beyond what the
// codec needs for variable-length values.
type scanOp struct {
	rel  *catalog.Relation
	snap *storage.Snapshot
	ts   []types.Type
	it   *storage.Iter
	row  types.Row
	out  *colBuf
	done bool
}

func newScan(n *planner.Scan, env *Env) (*scanOp, error) {
	if n.Rel == nil {
		return nil, pgerr.New(pgerr.InternalError, "scan without a relation")
	}
	if env.Snapshot == nil {
		return nil, pgerr.New(pgerr.InternalError, "scan of %s: no snapshot", relName(n.Rel))
	}
	ts := n.Rel.Types()
	if len(n.Cols) != len(ts) {
		return nil, pgerr.New(pgerr.InternalError, "scan of %s: plan has %d columns, relation %d",
			relName(n.Rel), len(n.Cols), len(ts))
	}
	return &scanOp{rel: n.Rel, snap: env.Snapshot, ts: ts, out: newColBuf(len(ts))}, nil
}

func (o *scanOp) Next(ctx context.Context) (*types.Chunk, error) {
	if o.done {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var ok bool
	if o.it == nil {
		// The iterator is opened lazily so that a plan that is built but never run (or a LIMIT 0)
		// pins nothing in Pebble.
		o.it = o.snap.NewIter(storage.TableID(o.rel.ID), nil, nil)
		ok = o.it.First()
	} else {
		ok = o.it.Valid()
	}
	o.out.reset()
	cols := o.out.cols
	for ; ok; ok = o.it.Next() {
		if o.out.n == types.MaxChunkRows {
			break
		}
		r, err := codec.DecodeRow(o.it.Value(), o.ts, o.row)
		if err != nil {
			return nil, pgerr.Wrap(err, pgerr.InternalError, "scan of %s: key %x", relName(o.rel), o.it.Key())
		}
		o.row = r
		for j := range cols {
			cols[j] = append(cols[j], r[j])
		}
		o.out.n++
	}
	if !ok {
		if err := o.finish(); err != nil {
			return nil, err
		}
	}
	return o.out.chunk(), nil
}

// finish closes the iterator at the end of the table, surfacing any read error it met.
func (o *scanOp) finish() error {
	o.done = true
	if o.it == nil {
		return nil
	}
	err := o.it.Close()
	o.it = nil
	if err != nil {
		return fmt.Errorf("scan of %s: %w", relName(o.rel), err)
	}
	return nil
}

func (o *scanOp) Close() {
	if o.it != nil {
		_ = o.it.Close()
		o.it = nil
	}
	o.done = true
}
