package stream

import (
	"fmt"

	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// Union is UNION ALL of n inputs already projected to the same columns: every chunk passes
// through unchanged, whatever its port. Keeping the stream key unique across inputs (RisingWave
// appends the input's index to it) is the planner's job, done in the inputs' projections.
type Union struct {
	n   int
	out Output
}

// NewUnion returns a union of inputs on ports 0..n-1.
func NewUnion(n int, out Output) *Union { return &Union{n: n, out: out} }

// Push forwards c. The chunk still belongs to the caller, as Push's contract says, so passing it
// on without a copy is safe: downstream copies what it keeps.
func (u *Union) Push(port int, c *types.Chunk) error {
	if port < 0 || port >= u.n {
		return fmt.Errorf("union: input port %d out of range (%d inputs)", port, u.n)
	}
	return u.out.Emit(c)
}

func (u *Union) Flush(uint64, *storage.Batch) error { return nil }
