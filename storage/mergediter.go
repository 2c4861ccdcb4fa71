package storage

import (
	"sort"
)

// MergedIter iterates a StateTable: its uncommitted entries (dirty and
// flushed-but-uncommitted, deletions included) laid over the committed keys
// in Pebble, in key order, forward or backward. Keys come back without the
// table prefix.
//
// It shows the table as it was when Iter was called: later Puts and Deletes
// are not visible to it. Key and Value are valid until the next positioning
// call and must not be modified. Next and Prev on an invalid iterator return
// false. Close it when done: while one is open, Put cannot reuse value
// buffers in place.
type MergedIter struct {
	st *StateTable
	ov []ovEntry // uncommitted entries within the bounds, sorted
	it *Iter     // committed keys within the bounds

	oi     int  // current overlay position
	fromOv bool // the current key comes from ov[oi], else from it
	valid  bool
	rev    bool // last move was backward
	kbuf   []byte
}

type ovEntry struct {
	key    string
	val    []byte
	absent bool
}

// Iter returns an iterator over the keys in [lo, hi); nil bounds are the
// start and end of the table.
func (st *StateTable) Iter(lo, hi []byte) *MergedIter {
	st.releasePins()
	idx := st.sortedOverlay()
	keyAt := func(j int) string { return st.c.entries[idx[j]].key }
	a := 0
	if lo != nil {
		a = sort.Search(len(idx), func(j int) bool { return keyAt(j) >= string(lo) })
	}
	b := len(idx)
	if hi != nil {
		b = sort.Search(len(idx), func(j int) bool { return keyAt(j) >= string(hi) })
	}
	var ov []ovEntry
	if a < b {
		ov = make([]ovEntry, 0, b-a)
		for _, i := range idx[a:b] {
			e := &st.c.entries[i]
			ov = append(ov, ovEntry{key: e.key, val: e.val, absent: e.flags&fAbsent != 0})
		}
	}
	st.openIters++
	return &MergedIter{st: st, ov: ov, it: st.s.NewIter(st.t, lo, hi)}
}

// search returns the first overlay position whose key is >= key (or > key
// when strict).
func (m *MergedIter) search(key []byte, strict bool) int {
	return sort.Search(len(m.ov), func(j int) bool {
		if strict {
			return m.ov[j].key > string(key)
		}
		return m.ov[j].key >= string(key)
	})
}

// First moves to the smallest key.
func (m *MergedIter) First() bool {
	m.oi = 0
	m.it.First()
	return m.settleForward()
}

// Last moves to the largest key.
func (m *MergedIter) Last() bool {
	m.oi = len(m.ov) - 1
	m.it.Last()
	return m.settleReverse()
}

// SeekGE moves to the smallest key >= key.
func (m *MergedIter) SeekGE(key []byte) bool {
	m.oi = m.search(key, false)
	m.it.SeekGE(key)
	return m.settleForward()
}

// SeekLT moves to the largest key < key.
func (m *MergedIter) SeekLT(key []byte) bool {
	m.oi = m.search(key, false) - 1
	m.it.SeekLT(key)
	return m.settleReverse()
}

// Next moves to the next key.
func (m *MergedIter) Next() bool {
	if !m.valid {
		return false
	}
	if m.rev {
		// Reposition both sides just past the current key, copied first:
		// it may live in the Pebble iterator we are about to move.
		k := m.copyKey()
		m.oi = m.search(k, true)
		if m.it.SeekGE(k) && string(m.it.Key()) == string(k) {
			m.it.Next()
		}
		return m.settleForward()
	}
	if m.fromOv {
		m.oi++
	} else {
		m.it.Next()
	}
	return m.settleForward()
}

// Prev moves to the previous key.
func (m *MergedIter) Prev() bool {
	if !m.valid {
		return false
	}
	if !m.rev {
		k := m.copyKey()
		m.oi = m.search(k, false) - 1
		m.it.SeekLT(k)
		return m.settleReverse()
	}
	if m.fromOv {
		m.oi--
	} else {
		m.it.Prev()
	}
	return m.settleReverse()
}

func (m *MergedIter) copyKey() []byte {
	m.kbuf = append(m.kbuf[:0], m.Key()...)
	return m.kbuf
}

// settleForward picks the smaller of the two sides' keys, letting the
// overlay shadow an equal committed key and skipping deletions. Invariant
// on return: both sides sit at or after the current key.
func (m *MergedIter) settleForward() bool {
	m.rev = false
	for {
		hasOv, hasIt := m.oi < len(m.ov), m.it.Valid()
		switch {
		case hasOv && hasIt && m.ov[m.oi].key == string(m.it.Key()):
			m.it.Next() // shadowed by the overlay
			continue
		case hasOv && (!hasIt || m.ov[m.oi].key < string(m.it.Key())):
			if m.ov[m.oi].absent {
				m.oi++
				continue
			}
			m.fromOv, m.valid = true, true
		case hasIt:
			m.fromOv, m.valid = false, true
		default:
			m.valid = false
		}
		return m.valid
	}
}

// settleReverse is settleForward backward: the larger key wins.
func (m *MergedIter) settleReverse() bool {
	m.rev = true
	for {
		hasOv, hasIt := m.oi >= 0 && m.oi < len(m.ov), m.it.Valid()
		switch {
		case hasOv && hasIt && m.ov[m.oi].key == string(m.it.Key()):
			m.it.Prev()
			continue
		case hasOv && (!hasIt || m.ov[m.oi].key > string(m.it.Key())):
			if m.ov[m.oi].absent {
				m.oi--
				continue
			}
			m.fromOv, m.valid = true, true
		case hasIt:
			m.fromOv, m.valid = false, true
		default:
			m.valid = false
		}
		return m.valid
	}
}

// Valid reports whether the iterator is at a key.
func (m *MergedIter) Valid() bool { return m.valid }

// Key is the current key.
func (m *MergedIter) Key() []byte {
	if m.fromOv {
		return bytesOf(m.ov[m.oi].key)
	}
	return m.it.Key()
}

// Value is the current value.
func (m *MergedIter) Value() []byte {
	if m.fromOv {
		return m.ov[m.oi].val
	}
	return m.it.Value()
}

// Error is the first error reading Pebble; the iterator stops on error.
func (m *MergedIter) Error() error { return m.it.Error() }

// Close releases the iterator and returns the first error reading Pebble.
func (m *MergedIter) Close() error {
	if m.st == nil {
		return nil
	}
	m.st.openIters--
	m.st = nil
	m.valid = false
	return m.it.Close()
}
