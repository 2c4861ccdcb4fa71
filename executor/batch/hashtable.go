package batch

import "github.com/runnel-db/runnel/types"

// hashTable indexes entries 0, 1, 2... by a 64-bit hash: the entries themselves (rows, groups) live
// in the caller's flat stores, and the table only links their indices. It is open addressing over
// distinct hash values (one slot holds a hash and the newest entry with it, so a probe costs one
// cache miss before the key comparison) with the entries of one hash chained through next. Compared
// with a Go map of slices it allocates nothing per entry.
type hashTable struct {
	slots []htSlot
	used  int     // occupied slots
	next  []int32 // index+1 of the previous entry with the same hash, 0 at the end
	mask  uint64
}

type htSlot struct {
	hash uint64
	head int32 // index+1 of the newest entry with this hash; 0 marks an empty slot
}

func newHashTable(sizeHint int) *hashTable {
	n := 64
	for n < 2*sizeHint {
		n <<= 1
	}
	return &hashTable{slots: make([]htSlot, n), mask: uint64(n - 1), next: make([]int32, 0, sizeHint)}
}

// insert adds an entry with hash h and returns its index (the number of entries before it).
func (t *hashTable) insert(h uint64) int32 {
	if 2*(t.used+1) > len(t.slots) {
		t.grow()
	}
	idx := int32(len(t.next))
	s := t.find(h)
	if s.head == 0 {
		s.hash = h
		t.used++
	}
	t.next = append(t.next, s.head)
	s.head = idx + 1
	return idx
}

// find returns the slot of h: the one holding it, or the empty slot where it belongs.
func (t *hashTable) find(h uint64) *htSlot {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.head == 0 || s.hash == h {
			return s
		}
	}
}

func (t *hashTable) grow() {
	old := t.slots
	t.slots = make([]htSlot, 2*len(old))
	t.mask = uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.head != 0 {
			*t.find(s.hash) = s
		}
	}
}

// first returns the newest entry with hash h, or -1.
func (t *hashTable) first(h uint64) int32 {
	return t.find(h).head - 1
}

// nextOf returns the entry before i with the same hash, or -1.
func (t *hashTable) nextOf(i int32) int32 {
	return t.next[i] - 1
}

func (t *hashTable) len() int { return len(t.next) }

// hashCols hashes row i of the key vectors.
func hashCols(keys [][]types.Datum, i int) uint64 {
	h := uint64(hashSeed)
	for _, k := range keys {
		h = hashDatum(k[i], h)
	}
	return h
}

// hashRow hashes a stored key row.
func hashRow(r []types.Datum) uint64 {
	h := uint64(hashSeed)
	for _, d := range r {
		h = hashDatum(d, h)
	}
	return h
}

const hashSeed = 0x9e3779b97f4a7c15

// equalColsRow reports whether row i of the key vectors equals stored row r, NULL equal to NULL (the
// grouping notion of equality; joins exclude NULL keys before they get here).
func equalColsRow(keys [][]types.Datum, i int, r []types.Datum) bool {
	for j, k := range keys {
		if !equalDatum(k[i], r[j]) {
			return false
		}
	}
	return true
}

func equalRows(a, b []types.Datum) bool {
	for j := range a {
		if !equalDatum(a[j], b[j]) {
			return false
		}
	}
	return true
}

// anyNull reports whether row i of the vectors has a NULL.
func anyNull(keys [][]types.Datum, i int) bool {
	for _, k := range keys {
		if k[i].IsNull() {
			return true
		}
	}
	return false
}
