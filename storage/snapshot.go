package storage

import (
	"fmt"

	"github.com/cockroachdb/pebble"
)

// Snapshot is a consistent read view of everything committed before it was
// taken: every table it reads, at one epoch. Batch SELECTs read through one
// so that all the views a query touches agree. Safe for concurrent use;
// Close it (after its iterators) to let Pebble reclaim what it pins.
type Snapshot struct {
	ps    *pebble.Snapshot
	epoch uint64
}

// Snapshot takes a snapshot of the latest committed state.
func (s *Store) Snapshot() *Snapshot {
	ps := s.db.NewSnapshot()
	// Read the epoch through the snapshot itself rather than from
	// s.committed: a Commit racing with us could make the two disagree, and
	// the epoch must name exactly the state the snapshot shows.
	epoch, err := readEpoch(ps)
	if err != nil {
		// The epoch record was validated at Open and only Commit writes it,
		// so this is corruption or a closed store.
		panic(fmt.Sprintf("storage: snapshot: %v", err))
	}
	return &Snapshot{ps: ps, epoch: epoch}
}

// Epoch is the committed epoch the snapshot shows.
func (sn *Snapshot) Epoch() uint64 { return sn.epoch }

// Get returns a copy of the value of key in table t, owned by the caller.
func (sn *Snapshot) Get(t TableID, key []byte) ([]byte, bool, error) {
	checkTable(t)
	return get(sn.ps, appendKey(make([]byte, 0, prefixLen+len(key)), t, key))
}

// NewIter iterates the keys of table t in [lo, hi) as of the snapshot. nil
// bounds are the table's start and end.
func (sn *Snapshot) NewIter(t TableID, lo, hi []byte) *Iter {
	lower, upper := tableBounds(t, lo, hi)
	it, err := sn.ps.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	return newIter(it, err, lower, upper)
}

// Close releases the snapshot. Its iterators must be closed first.
func (sn *Snapshot) Close() error {
	if err := sn.ps.Close(); err != nil {
		return fmt.Errorf("storage: close snapshot: %w", err)
	}
	return nil
}
