package stream

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// HopWindow expands each row into one row per window containing its time: HOP(t, time, slide,
// size [, offset]) and TUMBLE(t, time, size [, offset]) (slide = size). The output is the input
// columns followed by window_start and window_end, of the time column's type.
//
// The windows follow RisingWave: the latest window starting at or before time starts at
// time - ((time - offset) mod slide) (mod rounding toward negative infinity, so windows before
// 1970 align like the others), and the size/slide windows ending after time are emitted, earliest
// first. Timestamps and timestamptz are both microseconds (timestamptz in UTC), so timestamptz
// windows are aligned in UTC. A NULL time falls in no window; so does an infinite one, or one whose
// windows would fall outside the timestamp range (the row is dropped rather than failing the view).
//
// Stateless: a row's windows depend on the row alone, so a Delete retracts exactly the rows its
// Insert produced.
type HopWindow struct {
	timeCol int
	typ     types.Type
	slide   int64 // microseconds, > 0
	size    int64 // microseconds, a positive multiple of slide
	offset  int64 // microseconds
	units   int64 // size / slide: windows per row
	out     Output

	row             types.Row
	starts, starts2 []int64
}

// NewHopWindow returns the window expansion of column timeCol, of type inputType.
func NewHopWindow(timeCol int, inputType types.Type, slide, size, offset types.IntervalValue, out Output) (*HopWindow, error) {
	if inputType != types.Timestamp && inputType != types.Timestamptz {
		return nil, pgerr.New(pgerr.DatatypeMismatch, "time window: the time column must be timestamp or timestamp with time zone, not %s", inputType)
	}
	if timeCol < 0 {
		return nil, fmt.Errorf("time window: time column %d out of range", timeCol)
	}
	sl, err := windowMicros("window slide", slide)
	if err != nil {
		return nil, err
	}
	sz, err := windowMicros("window size", size)
	if err != nil {
		return nil, err
	}
	off, err := windowMicros("window offset", offset)
	if err != nil {
		return nil, err
	}
	if sl <= 0 || sz <= 0 {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "time window: window size and slide must be positive")
	}
	if sz%sl != 0 {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "time window: window size %s cannot be divided by window slide %s",
			types.NewInterval(size), types.NewInterval(slide))
	}
	return &HopWindow{timeCol: timeCol, typ: inputType, slide: sl, size: sz, offset: off, units: sz / sl, out: out}, nil
}

// windowMicros converts a window interval to microseconds. Months have no fixed length, so they
// are refused, as RisingWave does; a day counts as 24 hours, since windows are aligned in UTC.
func windowMicros(what string, v types.IntervalValue) (int64, error) {
	if v.Months != 0 {
		return 0, pgerr.Unsupported("time window: %s with months or years is not supported: %s", what, types.NewInterval(v))
	}
	hi, lo := bits.Mul64(uint64(abs64(int64(v.Days))), types.MicrosPerDay)
	d := int64(lo)
	if v.Days < 0 {
		d = -d
	}
	m, ok := addChecked(d, v.Micros)
	if hi != 0 || !ok {
		return 0, pgerr.New(pgerr.InvalidParameterValue, "time window: %s out of range", what)
	}
	return m, nil
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// addChecked returns a+b and whether it did not overflow.
func addChecked(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
}

// windows sets starts to the window starts of time t, earliest first, and reports whether t has
// windows at all (finite, with every window inside the timestamp range).
func (h *HopWindow) windows(t int64, starts []int64) ([]int64, bool) {
	starts = starts[:0]
	if t == types.TimestampInfinity || t == types.TimestampNegInfinity {
		return starts, false
	}
	d, ok := subChecked(t, h.offset)
	if !ok {
		return starts, false
	}
	r := d % h.slide
	if r < 0 {
		r += h.slide
	}
	last := t - r // the latest window start <= t; no overflow: 0 <= r < slide
	// Range-check the extremes once: the earliest start, last - (units-1)*slide, and the latest
	// end, last + size.
	span, ok := mulChecked(h.units-1, h.slide)
	if !ok {
		return starts, false
	}
	first, ok := subChecked(last, span)
	if !ok || first == types.TimestampNegInfinity {
		return starts, false
	}
	if end, ok := addChecked(last, h.size); !ok || end == types.TimestampInfinity {
		return starts, false
	}
	for s := first; ; s += h.slide {
		// Keep windows with start <= t < start+size; with size a multiple of slide every one of
		// the units windows qualifies, the check documents the rule.
		if s <= t && t-s < h.size {
			starts = append(starts, s)
		}
		if s == last {
			break
		}
	}
	return starts, true
}

// subChecked returns a-b and whether it did not overflow.
func subChecked(a, b int64) (int64, bool) {
	s := a - b
	return s, (s < a) == (b > 0)
}

// mulChecked returns a*b and whether it did not overflow.
func mulChecked(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	return p, p/b == a && !(a == -1 && b == math.MinInt64)
}

// Push emits the windows of every row with the row's op. An update pair whose halves have the same
// number of windows stays a pair per window; otherwise it becomes Deletes and Inserts.
func (h *HopWindow) Push(_ int, c *types.Chunk) error {
	if h.timeCol >= len(c.Cols) {
		return fmt.Errorf("time window: time column %d out of range (%d columns)", h.timeCol, len(c.Cols))
	}
	w := newChangeWriter(len(c.Cols)+2, h.out)
	w.rows = c.Len() * int(min(h.units, types.MaxChunkRows))
	for i := 0; i < c.Len(); i++ {
		op := c.Op(i)
		if op == types.UpdateDelete && i+1 < c.Len() && c.Op(i+1) == types.UpdateInsert {
			if err := h.pushPair(w, c, i); err != nil {
				return err
			}
			i++
			continue
		}
		var ok bool
		h.starts, ok = h.timeWindows(c, i, h.starts)
		if !ok {
			continue
		}
		for _, s := range h.starts {
			if err := w.add(normalOp(op), h.outRow(c, i, s)); err != nil {
				return err
			}
		}
	}
	return w.flush()
}

func (h *HopWindow) pushPair(w *changeWriter, c *types.Chunk, i int) error {
	var okOld, okNew bool
	h.starts, okOld = h.timeWindows(c, i, h.starts)
	h.starts2, okNew = h.timeWindows(c, i+1, h.starts2)
	if okOld && okNew && len(h.starts) == len(h.starts2) {
		for k := range h.starts {
			old := h.outRow(c, i, h.starts[k]).Copy()
			if err := w.addPair(old, h.outRow(c, i+1, h.starts2[k])); err != nil {
				return err
			}
		}
		return nil
	}
	for _, s := range h.starts {
		if err := w.add(types.Delete, h.outRow(c, i, s)); err != nil {
			return err
		}
	}
	for _, s := range h.starts2 {
		if err := w.add(types.Insert, h.outRow(c, i+1, s)); err != nil {
			return err
		}
	}
	return nil
}

// timeWindows returns the window starts of row i; false (and no starts) for a NULL time.
func (h *HopWindow) timeWindows(c *types.Chunk, i int, starts []int64) ([]int64, bool) {
	d := c.Cols[h.timeCol][i]
	if d.IsNull() {
		return starts[:0], false
	}
	return h.windows(d.Int(), starts)
}

// outRow is row i followed by the window starting at s. It reuses one buffer: the writer copies it.
func (h *HopWindow) outRow(c *types.Chunk, i int, s int64) types.Row {
	h.row = append(c.Row(i, h.row), types.NewInt(h.typ, s), types.NewInt(h.typ, s+h.size))
	return h.row
}

func (h *HopWindow) Flush(uint64, *storage.Batch) error { return nil }
