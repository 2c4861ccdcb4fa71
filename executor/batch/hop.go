package batch

import (
	"context"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// hopWindow expands each row into one row per TUMBLE/HOP window containing its time.
type hopWindow struct {
	in                  Operator
	timeCol             int
	slide, size, offset int64
	t                   types.Type
	out                 *types.Chunk
	pending             *types.Chunk // input rows not yet expanded
	pos                 int
	row                 types.Row
}

func newHopWindow(n *planner.HopWindow, in Operator) (Operator, error) {
	w := &hopWindow{in: in, timeCol: n.TimeCol, t: n.Cols[len(n.Cols)-1].Type,
		slide: micros(n.Slide), size: micros(n.Size), offset: micros(n.Offset)}
	if w.slide <= 0 || w.size <= 0 || w.size%w.slide != 0 {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "invalid window size or slide")
	}
	w.out = types.NewChunk(len(n.Cols), types.MaxChunkRows)
	return w, nil
}

func micros(iv types.IntervalValue) int64 { return int64(iv.Days)*86_400_000_000 + iv.Micros }

// WindowStart returns the start of the window of size slide, aligned to offset, that contains t:
// t - ((t - offset) mod slide), with the modulo taken non-negative.
func WindowStart(t, slide, offset int64) int64 {
	m := (t - offset) % slide
	if m < 0 {
		m += slide
	}
	return t - m
}

func (w *hopWindow) Next(ctx context.Context) (*types.Chunk, error) {
	w.out.Reset()
	for w.out.Len() < types.MaxChunkRows {
		if w.pending == nil || w.pos >= w.pending.Len() {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			c, err := w.in.Next(ctx)
			if err != nil {
				return nil, err
			}
			if c == nil {
				break
			}
			w.pending, w.pos = c, 0
			continue
		}
		w.row = w.pending.Row(w.pos, w.row)
		w.pos++
		ts := w.row[w.timeCol]
		if ts.IsNull() {
			continue
		}
		last := WindowStart(ts.Int(), w.slide, w.offset)
		for start := last - w.size + w.slide; start <= last; start += w.slide {
			r := append(w.row, types.NewInt(w.t, start), types.NewInt(w.t, start+w.size))
			w.out.Append(types.Insert, r)
			w.row = r[:len(r)-2]
		}
	}
	if w.out.Len() == 0 {
		return nil, nil
	}
	w.out.Ops = nil
	return w.out, nil
}

func (w *hopWindow) Close() { w.in.Close() }
