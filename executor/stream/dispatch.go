package stream

import (
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// Dispatcher is the last operator of a fragment instance: it sends the instance's output to the
// instances of the next fragment, each row to the one that owns its distribution key (or all to one
// when Key is nil), and broadcasts barriers to all of them. An update pair whose halves go to
// different instances is split into a Delete and an Insert.
type Dispatcher struct {
	outs  []chan<- Message
	key   []int
	width int
	bufs  []*types.Chunk
	row   types.Row
}

// NewDispatcher returns a dispatcher of rows of width columns to outs, hashing key columns.
func NewDispatcher(outs []chan<- Message, key []int, width int) *Dispatcher {
	return &Dispatcher{outs: outs, key: key, width: width, bufs: make([]*types.Chunk, len(outs))}
}

// target returns the instance that owns row i of c.
func (d *Dispatcher) target(c *types.Chunk, i int) int {
	if len(d.outs) == 1 || d.key == nil {
		return 0
	}
	var h uint64
	for _, k := range d.key {
		h = types.Hash(c.Cols[k][i], h)
	}
	// A fixed set of 256 virtual nodes, mapped onto instances, as DESIGN.md describes.
	return int(h%256) % len(d.outs)
}

func (d *Dispatcher) add(t int, op types.Op, c *types.Chunk, i int) {
	b := d.bufs[t]
	if b == nil {
		b = types.NewChunk(d.width, chunkRoom(c.Len()))
		d.bufs[t] = b
	}
	d.row = c.Row(i, d.row)
	b.Append(op, d.row)
}

func (d *Dispatcher) Push(_ int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		op := c.Op(i)
		t := d.target(c, i)
		if op == types.UpdateDelete && i+1 < c.Len() && c.Op(i+1) == types.UpdateInsert {
			if t2 := d.target(c, i+1); t2 != t {
				d.add(t, types.Delete, c, i)
				d.add(t2, types.Insert, c, i+1)
			} else {
				d.room(t, 2)
				d.add(t, types.UpdateDelete, c, i)
				d.add(t, types.UpdateInsert, c, i+1)
			}
			d.send(t)
			i++
			continue
		}
		d.add(t, op, c, i)
		d.send(t)
	}
	return nil
}

// room sends instance t's chunk first if it cannot take n more rows (a pair stays in one chunk).
func (d *Dispatcher) room(t, n int) {
	if b := d.bufs[t]; b != nil && b.Len()+n > types.MaxChunkRows {
		d.outs[t] <- Message{Chunk: b}
		d.bufs[t] = nil
	}
}

// send sends instance t's chunk once it is full.
func (d *Dispatcher) send(t int) {
	if b := d.bufs[t]; b != nil && b.Len() >= types.MaxChunkRows-1 {
		d.outs[t] <- Message{Chunk: b}
		d.bufs[t] = nil
	}
}

// Flush sends what is buffered; the barrier follows from the actor.
func (d *Dispatcher) Flush(uint64, *storage.Batch) error {
	for t, b := range d.bufs {
		if b != nil && b.Len() > 0 {
			d.outs[t] <- Message{Chunk: b}
		}
		d.bufs[t] = nil
	}
	return nil
}

// Barrier broadcasts the barrier to every instance of the next fragment.
func (d *Dispatcher) Barrier(b *Barrier) {
	for _, o := range d.outs {
		o <- Message{Barrier: b}
	}
}

// Close closes the channels to the next fragment.
func (d *Dispatcher) Close() {
	for _, o := range d.outs {
		close(o)
	}
}
