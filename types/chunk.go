package types

// Op says what a row in a chunk means to the stream it flows in.
type Op uint8

const (
	// Insert adds the row.
	Insert Op = iota
	// Delete retracts a row that was added earlier.
	Delete
	// UpdateDelete and UpdateInsert come as an adjacent pair: the old row and its replacement. Operators
	// may treat them as Delete and Insert; keeping the pair lets sinks emit one update.
	UpdateDelete
	UpdateInsert
)

// IsInsert reports whether the op adds a row (Insert or UpdateInsert).
func (o Op) IsInsert() bool { return o == Insert || o == UpdateInsert }

func (o Op) String() string {
	switch o {
	case Insert:
		return "+"
	case Delete:
		return "-"
	case UpdateDelete:
		return "U-"
	case UpdateInsert:
		return "U+"
	}
	return "?"
}

// Chunk is a batch of rows in columns, each with an op. Batch (ad-hoc SELECT) plans use the same chunks
// with Ops nil, meaning every row is an insert. Chunks hold up to about MaxChunkRows rows.
type Chunk struct {
	Ops  []Op      // len == Len(), or nil when every row is an Insert
	Cols [][]Datum // one vector per column, all of length Len()
	n    int
}

// MaxChunkRows is the number of rows operators gather before passing a chunk on.
const MaxChunkRows = 1024

// NewChunk returns an empty chunk with ncols columns and room for capacity rows.
func NewChunk(ncols, capacity int) *Chunk {
	c := &Chunk{Cols: make([][]Datum, ncols)}
	for i := range c.Cols {
		c.Cols[i] = make([]Datum, 0, capacity)
	}
	return c
}

// ChunkOf builds a chunk from column vectors of equal length; ops may be nil.
func ChunkOf(ops []Op, cols [][]Datum, n int) *Chunk {
	return &Chunk{Ops: ops, Cols: cols, n: n}
}

// Len returns the number of rows.
func (c *Chunk) Len() int { return c.n }

// Op returns the op of row i.
func (c *Chunk) Op(i int) Op {
	if c.Ops == nil {
		return Insert
	}
	return c.Ops[i]
}

// Row copies row i into dst (grown as needed) and returns it.
func (c *Chunk) Row(i int, dst Row) Row {
	dst = dst[:0]
	for _, col := range c.Cols {
		dst = append(dst, col[i])
	}
	return dst
}

// Append adds a row with the given op. A chunk built with Append always has Ops.
func (c *Chunk) Append(op Op, r Row) {
	if c.Ops == nil && c.n > 0 {
		c.Ops = make([]Op, c.n, cap(c.Cols[0]))
	}
	c.Ops = append(c.Ops, op)
	for i := range c.Cols {
		c.Cols[i] = append(c.Cols[i], r[i])
	}
	c.n++
}

// Reset empties the chunk, keeping its buffers.
func (c *Chunk) Reset() {
	c.Ops = c.Ops[:0]
	for i := range c.Cols {
		c.Cols[i] = c.Cols[i][:0]
	}
	c.n = 0
}

// SetLen sets the row count after a caller appended to Ops and every column directly.
func (c *Chunk) SetLen(n int) { c.n = n }
