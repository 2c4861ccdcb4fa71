package stream

import "github.com/runnel-db/runnel/types"

// changeWriter gathers output rows and emits them in chunks of up to MaxChunkRows. An update pair
// never straddles two chunks: operators only recognise a pair inside one chunk.
//
// With deletesFirst, every plain Delete goes out before the other rows. TopN needs that: its Flush
// emits net changes group by group, and a row that moves to another group leaves one window and
// enters another under the same stream key; its Insert may be produced first, and emitted in that
// order the Delete would remove the new row downstream. Operators that pass changes through in
// input order (HopWindow) must keep that order, so it is off by default.
type changeWriter struct {
	width        int
	out          Output
	deletesFirst bool
	deletes      []*types.Chunk
	rest         []*types.Chunk
	// rows is how many rows the caller expects to write, if it knows: a chunk is sized for them,
	// not for MaxChunkRows, since at a steady trickle most chunks carry a handful of rows and a
	// full-size one (MaxChunkRows x width datums, ~400 KB for a bid) was most of the garbage.
	rows int
}

func newChangeWriter(width int, out Output) *changeWriter {
	return &changeWriter{width: width, out: out}
}

func (w *changeWriter) add(op types.Op, r types.Row) error {
	if op == types.Delete && w.deletesFirst {
		w.deletes = w.room(w.deletes, 1)
		w.deletes[len(w.deletes)-1].Append(op, r)
		return nil
	}
	w.rest = w.room(w.rest, 1)
	w.rest[len(w.rest)-1].Append(op, r)
	return nil
}

func (w *changeWriter) addPair(old, cur types.Row) error {
	w.rest = w.room(w.rest, 2)
	c := w.rest[len(w.rest)-1]
	c.Append(types.UpdateDelete, old)
	c.Append(types.UpdateInsert, cur)
	return nil
}

// room returns cs with a last chunk that can take n more rows.
func (w *changeWriter) room(cs []*types.Chunk, n int) []*types.Chunk {
	if len(cs) == 0 || cs[len(cs)-1].Len()+n > types.MaxChunkRows {
		cs = append(cs, types.NewChunk(w.width, chunkRoom(max(n, w.rows))))
	}
	return cs
}

// flush emits the rows gathered so far, deletes first. Each chunk is handed over, never reused: a
// downstream operator may keep it.
func (w *changeWriter) flush() error {
	for _, cs := range [][]*types.Chunk{w.deletes, w.rest} {
		for _, c := range cs {
			if err := w.out.Emit(c); err != nil {
				return err
			}
		}
	}
	w.deletes, w.rest = nil, nil
	return nil
}

// chunkRoom is the capacity for a new chunk expected to take rows rows; a chunk grows by itself
// past it, up to MaxChunkRows.
func chunkRoom(rows int) int {
	return min(types.MaxChunkRows, max(rows, 16))
}
