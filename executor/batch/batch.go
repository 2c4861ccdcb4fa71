// Package batch runs batch plans: the pull-based operators behind ad-hoc SELECT and behind the row
// computation of INSERT, UPDATE and DELETE. A plan is built once into a tree of Operators; the caller
// pulls chunks from the root until it returns nil.
//
// Chunk ownership: a chunk returned by Next, and every vector in it, stays valid only until the next
// call to Next or Close on the same operator. Operators reuse their buffers from one Next to the next
// (that is what keeps scans and filters free of per-row allocations), so a consumer that keeps rows
// copies them; Collect does.
//
// Memory: Sort, Agg, Join (its build side), Distinct and SetOp hold their input in memory. There is
// no spilling yet; a query bigger than memory fails the process, not just the query.
package batch

import (
	"context"
	"fmt"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// Env is what a query's operators share.
type Env struct {
	// Snapshot is read by every Scan, so the whole query sees one consistent point.
	Snapshot *storage.Snapshot
	// Catalog computes the rows of system relations.
	Catalog *catalog.Catalog
	// Ctx is shared by all expressions of the query; Apply binds outer values into its Params.
	Ctx *expr.Context
}

// Operator produces its rows a chunk at a time.
type Operator interface {
	// Next returns the next chunk of at most types.MaxChunkRows rows (Ops nil: all inserts), or nil at
	// the end. The chunk is valid until the next call to Next or Close.
	Next(ctx context.Context) (*types.Chunk, error)
	// Close releases the operator and its inputs. It may be called more than once.
	Close()
}

// Collect pulls every row from op, copying them out of op's reused buffers, and closes op.
func Collect(ctx context.Context, op Operator) ([]types.Row, error) {
	defer op.Close()
	var rows []types.Row
	for {
		c, err := op.Next(ctx)
		if err != nil {
			return nil, err
		}
		if c == nil {
			return rows, nil
		}
		// One backing array per chunk instead of one per row.
		w := len(c.Cols)
		flat := make([]types.Datum, c.Len()*w)
		for i := 0; i < c.Len(); i++ {
			r := flat[i*w : (i+1)*w : (i+1)*w]
			for j, col := range c.Cols {
				r[j] = col[i]
			}
			rows = append(rows, types.Row(r))
		}
	}
}

// evalErr gives an expression failure the operator's context while keeping its SQLSTATE reachable
// through errors.As.
func evalErr(op string, err error) error {
	return fmt.Errorf("%s: %w", op, err)
}
