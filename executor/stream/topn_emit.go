package stream

import "github.com/runnel-db/runnel/types"

// changeWriter gathers output rows into chunks of up to MaxChunkRows and emits each full one. An
// update pair never straddles two chunks: operators only recognise a pair inside one chunk.
type changeWriter struct {
	width int
	out   Output
	c     *types.Chunk
}

func newChangeWriter(width int, out Output) *changeWriter {
	return &changeWriter{width: width, out: out}
}

func (w *changeWriter) add(op types.Op, r types.Row) error {
	if err := w.room(1); err != nil {
		return err
	}
	w.c.Append(op, r)
	return nil
}

func (w *changeWriter) addPair(old, cur types.Row) error {
	if err := w.room(2); err != nil {
		return err
	}
	w.c.Append(types.UpdateDelete, old)
	w.c.Append(types.UpdateInsert, cur)
	return nil
}

// room makes sure the current chunk can take n more rows, emitting it first if not.
func (w *changeWriter) room(n int) error {
	if w.c != nil && w.c.Len()+n > types.MaxChunkRows {
		if err := w.flush(); err != nil {
			return err
		}
	}
	if w.c == nil {
		w.c = types.NewChunk(w.width, types.MaxChunkRows)
	}
	return nil
}

// flush emits the rows gathered so far. Each chunk is handed over, never reused: a downstream
// operator may keep it.
func (w *changeWriter) flush() error {
	c := w.c
	w.c = nil
	if c == nil {
		return nil
	}
	return w.out.Emit(c)
}
