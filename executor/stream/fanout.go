package stream

import "github.com/runnel-db/runnel/types"

// Fanout sends a relation's changes to every subscriber (the views that read it). It belongs to the
// actor that produces the relation; subscribers are added and removed by barrier mutations, which
// that actor applies when it forwards the barrier, so no lock is needed.
type Fanout struct {
	RelID uint32
	outs  []chan<- Message
	buf   *types.Chunk
	width int
}

// NewFanout returns the fan-out of relation id, whose rows have width columns.
func NewFanout(id uint32, width int, subscribers ...chan<- Message) *Fanout {
	return &Fanout{RelID: id, width: width, outs: subscribers}
}

// Emit queues one change; changes go out in chunks of up to MaxChunkRows.
func (f *Fanout) Emit(op types.Op, r types.Row) {
	if len(f.outs) == 0 {
		return
	}
	if f.buf == nil {
		f.buf = types.NewChunk(f.width, chunkRoom(0)) // grows as rows come: see chunkRoom
	}
	f.buf.Append(op, r)
	if f.buf.Len() >= types.MaxChunkRows {
		f.flushChunk()
	}
}

func (f *Fanout) flushChunk() {
	if f.buf == nil || f.buf.Len() == 0 {
		return
	}
	c := f.buf
	f.buf = nil // subscribers keep c; start a new one
	for _, o := range f.outs {
		o <- Message{Chunk: c}
	}
}

// Barrier sends the queued changes and the barrier to every subscriber, then applies the barrier's
// mutation for this relation.
func (f *Fanout) Barrier(b *Barrier) {
	f.flushChunk()
	for _, o := range f.outs {
		o <- Message{Barrier: b}
	}
	if m := b.Mutation; m != nil {
		if len(m.Remove) > 0 {
			kept := f.outs[:0]
			for _, o := range f.outs {
				if !m.Remove[o] {
					kept = append(kept, o)
				}
			}
			f.outs = kept
		}
		f.outs = append(f.outs, m.Add[f.RelID]...)
	}
}

// Close closes every subscriber channel (the relation is gone).
func (f *Fanout) Close() {
	for _, o := range f.outs {
		close(o)
	}
	f.outs = nil
}
