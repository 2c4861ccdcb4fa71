package batch

import "github.com/runnel-db/runnel/types"

// colBuf gathers an operator's output rows column by column. Its vectors are reused after reset, so
// a chunk made from it is valid only until the owner's next Next.
type colBuf struct {
	cols [][]types.Datum
	n    int
}

func newColBuf(ncols int) *colBuf {
	b := &colBuf{cols: make([][]types.Datum, ncols)}
	for i := range b.cols {
		b.cols[i] = make([]types.Datum, 0, types.MaxChunkRows)
	}
	return b
}

func (b *colBuf) reset() {
	for i := range b.cols {
		b.cols[i] = b.cols[i][:0]
	}
	b.n = 0
}

func (b *colBuf) full() bool { return b.n >= types.MaxChunkRows }

func (b *colBuf) room() int { return types.MaxChunkRows - b.n }

// appendRow adds r (len(r) == number of columns).
func (b *colBuf) appendRow(r []types.Datum) {
	for i := range b.cols {
		b.cols[i] = append(b.cols[i], r[i])
	}
	b.n++
}

// appendChunkRow adds row i of c into the columns starting at column off.
func (b *colBuf) appendChunkRow(c *types.Chunk, i, off int) {
	for j, col := range c.Cols {
		b.cols[off+j] = append(b.cols[off+j], col[i])
	}
}

// appendNulls adds NULLs to the columns [off, off+k).
func (b *colBuf) appendNulls(off, k int) {
	for j := off; j < off+k; j++ {
		b.cols[j] = append(b.cols[j], types.NullDatum)
	}
}

// chunk returns the buffered rows as a chunk, or nil when there are none.
func (b *colBuf) chunk() *types.Chunk {
	if b.n == 0 {
		return nil
	}
	return types.ChunkOf(nil, b.cols, b.n)
}

// rowStore keeps copied rows of a fixed width in blocks of storeBlockRows rows: one allocation per
// block instead of one per row, no pointers per row for the GC to chase, and, unlike one growing
// slice, no copying of everything stored so far each time it fills up.
type rowStore struct {
	w      int
	blocks [][]types.Datum
	n      int
}

const storeBlockRows = 1024

// alloc adds a row and returns it for the caller to fill.
func (s *rowStore) alloc() []types.Datum {
	if s.w == 0 {
		s.n++
		return nil
	}
	off := (s.n % storeBlockRows) * s.w
	if off == 0 {
		s.blocks = append(s.blocks, make([]types.Datum, storeBlockRows*s.w))
	}
	s.n++
	return s.blocks[len(s.blocks)-1][off : off+s.w : off+s.w]
}

func (s *rowStore) appendChunkRow(c *types.Chunk, i int) {
	r := s.alloc()
	for j, col := range c.Cols {
		r[j] = col[i]
	}
}

func (s *rowStore) appendRow(r []types.Datum) { copy(s.alloc(), r) }

// appendCols adds row i of the vectors.
func (s *rowStore) appendCols(cols [][]types.Datum, i int) {
	r := s.alloc()
	for j, col := range cols {
		r[j] = col[i]
	}
}

func (s *rowStore) row(i int) []types.Datum {
	if s.w == 0 {
		return nil
	}
	off := (i % storeBlockRows) * s.w
	return s.blocks[i/storeBlockRows][off : off+s.w : off+s.w]
}
