package nexmark

import (
	"context"
	"time"

	"github.com/runnel-db/runnel/types"
)

// Reader generates a whole source — every split — for one reader of the engine, paced as
// RisingWave paces each split: by nexmark.min.event.gap.in.ns per event number, or by the events'
// own timestamps with nexmark.use.real.time.
type Reader struct {
	o     *Options
	gens  []*Generator
	turn  int     // the split whose chunk is next: splits take turns, chunk by chunk
	start []int64 // per split: event number and time at which pacing started
	t0    []int64
	began time.Time
	rowID bool
}

// NewReader resumes the splits at positions (split index -> rows produced; absent = 0). With
// rowID, Read also fills the column after Columns with a deterministic bigint row id,
// split<<40 | position, so that rows regenerated after a crash get the same ids (like the Kafka
// source's partition<<40 | offset).
func NewReader(o *Options, positions map[int32]int64, rowID bool) *Reader {
	r := &Reader{o: o, rowID: rowID, began: time.Now()}
	for s := range o.SplitNum {
		g := NewGenerator(o, s, o.SplitNum, positions[int32(s)])
		r.gens = append(r.gens, g)
		r.start = append(r.start, g.EventNumber())
		r.t0 = append(r.t0, g.EventTime())
	}
	return r
}

// Width is the number of columns Read fills.
func (r *Reader) Width() int {
	if r.rowID {
		return len(Columns(r.o)) + 1
	}
	return len(Columns(r.o))
}

// Read appends up to nexmark.max.chunk.size rows of one split to c (Width columns) and returns that
// split's new position, as a one-entry map like a Kafka batch's next offsets. When every split is
// done it blocks until ctx ends, as a drained topic would.
func (r *Reader) Read(ctx context.Context, c *types.Chunk) (map[int32]int64, error) {
	for range r.gens {
		s := r.turn
		r.turn = (r.turn + 1) % len(r.gens)
		g := r.gens[s]
		if g.Done() {
			continue
		}
		if err := r.pace(ctx, s); err != nil {
			return nil, err
		}
		from := g.Position()
		pos, _ := g.Next(c, r.o.MaxChunkSize)
		if r.rowID {
			col := c.Cols[len(c.Cols)-1]
			for p := from; p < pos; p++ {
				col = append(col, types.NewInt64(int64(s)<<40|p))
			}
			c.Cols[len(c.Cols)-1] = col
		}
		return map[int32]int64{int32(s): pos}, nil
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

// pace waits until split s's next event is due. RisingWave sleeps after building a chunk until
// start + gap * (events since start); waiting before it gives the same rate without holding rows.
func (r *Reader) pace(ctx context.Context, s int) error {
	g := r.gens[s]
	var due time.Time
	switch {
	case r.o.UseRealTime:
		due = r.began.Add(time.Duration(g.EventTime()-r.t0[s]) * time.Millisecond)
	case r.o.MinEventGapNs > 0:
		due = r.began.Add(time.Duration(r.o.MinEventGapNs * (g.EventNumber() - r.start[s])))
	default:
		return ctx.Err()
	}
	d := time.Until(due)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
