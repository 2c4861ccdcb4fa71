package stream

import (
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// Operator is one streaming operator inside an actor. An actor pushes each input chunk into its
// first operators; an operator processes it and pushes the changes it produces to its Output, all
// synchronously on the actor's goroutine, so operators need no locks.
//
// Changes are retraction-aware: a chunk's rows carry ops (Insert, Delete, UpdateDelete/UpdateInsert
// pairs), and an operator must handle every op. An UpdateDelete/UpdateInsert pair may be split by
// an operator (e.g. a filter that keeps only one half); it must then emit the kept half as a plain
// Delete or Insert. An operator never emits a Delete for a row it did not emit before.
type Operator interface {
	// Push processes a chunk arriving on input port (0, or 0/1 for the left/right input of a join).
	// The chunk belongs to the caller: copy what you keep.
	Push(port int, c *types.Chunk) error
	// Flush ends the epoch: the operator emits anything it held back during the epoch (hash
	// aggregation emits its changed groups here, once per group per epoch) and writes its state
	// changes into b. The actor calls Flush on every operator once per barrier, upstream operators
	// first, so chunks emitted by an upstream Flush reach downstream operators before theirs.
	Flush(epoch uint64, b *storage.Batch) error
}

// Output is where an operator sends its changes: an input port of the next operator.
type Output struct {
	Op   Operator
	Port int
}

// Emit pushes c to the output. Empty chunks are dropped.
func (o Output) Emit(c *types.Chunk) error {
	if c == nil || c.Len() == 0 || o.Op == nil {
		return nil
	}
	return o.Op.Push(o.Port, c)
}

// Env is what stateful operators are built with.
type Env struct {
	Store *storage.Store
	// CacheBytes bounds each state table's cache.
	CacheBytes int64
	// Ctx evaluates expressions; each actor has its own (expressions reuse buffers: expr.Clone
	// them per actor).
	Ctx *expr.Context
}

// StateTableFor opens the one state table an operator owns. Operators that keep several kinds of
// state (the two sides of a join, an aggregate's sorted inputs) carve the table into keyspaces with
// a one-byte key prefix, so each operator needs exactly one table id.
func (e *Env) StateTableFor(id storage.TableID) *storage.StateTable {
	return storage.NewStateTable(e.Store, id, e.CacheBytes)
}
