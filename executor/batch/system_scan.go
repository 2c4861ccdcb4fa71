package batch

import (
	"context"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// systemScanOp returns the rows of a virtual pg_catalog / information_schema relation. They are
// computed in full on the first Next: these relations are small and the catalog is read under its
// own lock, once, so the rows of one query agree with each other.
type systemScanOp struct {
	rel  *catalog.Relation
	cat  *catalog.Catalog
	rows []types.Row
	pos  int
	read bool
	out  *colBuf
}

func newSystemScan(n *planner.SystemScan, env *Env) (*systemScanOp, error) {
	if n.Rel == nil || n.Rel.Rows == nil {
		return nil, pgerr.New(pgerr.InternalError, "system scan of %q: relation has no row source", relName(n.Rel))
	}
	return &systemScanOp{rel: n.Rel, cat: env.Catalog, out: newColBuf(len(n.Cols))}, nil
}

func relName(r *catalog.Relation) string {
	if r == nil {
		return "<nil>"
	}
	return r.Schema + "." + r.Name
}

func (o *systemScanOp) Next(ctx context.Context) (*types.Chunk, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !o.read {
		o.rows = o.rel.Rows(o.cat)
		o.read = true
	}
	o.out.reset()
	w := len(o.out.cols)
	for o.pos < len(o.rows) && !o.out.full() {
		r := o.rows[o.pos]
		if len(r) < w {
			return nil, pgerr.New(pgerr.InternalError, "system relation %s: row %d has %d columns, want %d",
				relName(o.rel), o.pos, len(r), w)
		}
		o.out.appendRow(r)
		o.pos++
	}
	return o.out.chunk(), nil
}

func (o *systemScanOp) Close() { o.rows = nil }
