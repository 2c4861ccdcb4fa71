package stream

import (
	"fmt"

	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// Values emits constant rows (a VALUES list in a view) as Inserts at its first Flush ever, and
// never again, also after recovery.
//
// State layout: one key, valuesEmitted -> {1}, written in the same epoch as the emitted rows. If
// that epoch does not commit, the view downstream did not get the rows either, and the operator
// rebuilt by recovery emits them again: exactly once, like everything else.
type Values struct {
	st    *storage.StateTable
	rows  []types.Row
	width int
	out   Output
	// done caches that the rows were emitted (now or in an earlier run), so that Flush reads the
	// state only once.
	done bool
}

var valuesEmitted = []byte{0x01}

// NewValues returns the operator emitting rows, whose columns have colTypes, keeping its one flag
// in table.
func NewValues(env *Env, table storage.TableID, rows []types.Row, colTypes []types.Type, out Output) *Values {
	return &Values{st: env.StateTableFor(table), rows: rows, width: len(colTypes), out: out}
}

// Push fails: Values has no input.
func (v *Values) Push(port int, _ *types.Chunk) error {
	return fmt.Errorf("values: no input, got a chunk on port %d", port)
}

// Flush emits the rows unless they were emitted before, then writes the flag.
func (v *Values) Flush(_ uint64, b *storage.Batch) error {
	if !v.done {
		_, found, err := v.st.Get(valuesEmitted)
		if err != nil {
			return fmt.Errorf("values: read state: %w", err)
		}
		if !found {
			if err := v.emit(); err != nil {
				return err
			}
			v.st.Put(valuesEmitted, []byte{1})
		}
		v.done = true
	}
	v.st.Flush(b)
	return nil
}

func (v *Values) emit() error {
	w := newChangeWriter(v.width, v.out)
	for i, r := range v.rows {
		if len(r) != v.width {
			return fmt.Errorf("values: row %d has %d columns, want %d", i+1, len(r), v.width)
		}
		if err := w.add(types.Insert, r); err != nil {
			return err
		}
	}
	return w.flush()
}
