package storage

import "unsafe"

// cache holds a StateTable's entries: dirty writes, flushed-but-uncommitted
// writes, and a bounded set of clean entries (committed values and
// known-absent keys) evicted by CLOCK.
//
// Entries live in a slab (entries) addressed by index, so the map holds
// small integers and the dirty/overlay/ring lists can refer to entries
// without pointers. Invariants:
//
//   - An entry is in exactly one of three states: dirty (written since the
//     last Flush), pinned (flushed into a batch whose Commit has not been
//     observed yet) or clean (equal to the committed state in Pebble).
//   - Only clean entries are in ring, so eviction never drops a write that
//     Pebble does not have yet: evicting a pinned entry would let a later Get
//     read the stale committed value while the epoch is still committing.
//   - used counts every live entry; it may exceed budget when dirty and
//     pinned entries alone exceed it (they are never evicted).
type cache struct {
	entries []entry
	free    []uint32
	index   map[string]uint32
	ring    []uint32 // clean entries, swept by hand
	hand    int
	used    int64
	budget  int64
	acct    account // the server-wide share, see Budget
	evicted bool    // some entry was evicted: the cache no longer holds every key it was given
}

type entry struct {
	// key and val share one allocation (see newEntryBuf); key is the map key.
	key     string
	val     []byte
	ringPos int32 // position in ring, or -1
	pinGen  uint32
	flags   uint8
}

const (
	fLive    uint8 = 1 << iota // slot in use
	fDirty                     // written since the last Flush
	fPinned                    // flushed, batch not known committed
	fOverlay                   // listed in StateTable.overlay
	fRef                       // CLOCK reference bit
	fAbsent                    // a deletion, or a key known not to exist
)

// entryOverhead approximates the bytes an entry costs besides its key and
// value: the slab slot, the map slot and the list indices.
const entryOverhead = 96

func (e *entry) size() int64 { return int64(len(e.key)+cap(e.val)) + entryOverhead }

func newCache(budget int64) cache {
	return cache{index: make(map[string]uint32), budget: budget}
}

// newEntryBuf copies key and val into one allocation. The value's capacity
// is exactly its length so that growing it in place can never run into the
// key.
func newEntryBuf(key, val []byte) (string, []byte) {
	buf := make([]byte, len(key)+len(val))
	copy(buf, key)
	copy(buf[len(key):], val)
	return unsafe.String(unsafe.SliceData(buf), len(key)), buf[len(key):len(buf):len(buf)]
}

// bytesOf views a string's bytes without copying; callers must not modify
// them.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// add creates an entry for key (not present) and returns its index. The
// caller sets its state and calls ringAdd for clean entries.
func (c *cache) add(key, val []byte, flags uint8) uint32 {
	var i uint32
	if n := len(c.free); n > 0 {
		i = c.free[n-1]
		c.free = c.free[:n-1]
	} else {
		c.entries = append(c.entries, entry{})
		i = uint32(len(c.entries) - 1)
	}
	e := &c.entries[i]
	e.key, e.val = newEntryBuf(key, val)
	if flags&fAbsent != 0 {
		e.val = nil
	}
	e.flags = flags | fLive | fRef
	e.ringPos = -1
	c.index[e.key] = i
	c.used += e.size()
	return i
}

func (c *cache) ringAdd(i uint32) {
	c.entries[i].ringPos = int32(len(c.ring))
	c.ring = append(c.ring, i)
}

// ringRemove takes entry i out of the ring by moving the last ring element
// into its place. CLOCK order is approximate anyway.
func (c *cache) ringRemove(i uint32) {
	e := &c.entries[i]
	p := e.ringPos
	last := c.ring[len(c.ring)-1]
	c.ring[p] = last
	c.entries[last].ringPos = p
	c.ring = c.ring[:len(c.ring)-1]
	e.ringPos = -1
}

// evict drops clean entries until used fits the budget or nothing clean is
// left. Each step either clears a reference bit or evicts, so a call costs
// at most two passes over the ring and amortised O(1) per insertion.
func (c *cache) evict() {
	for len(c.ring) > 0 && c.over() {
		if c.hand >= len(c.ring) {
			c.hand = 0
		}
		i := c.ring[c.hand]
		e := &c.entries[i]
		if e.flags&fRef != 0 {
			e.flags &^= fRef
			c.hand++
			continue
		}
		// The last ring element moves into c.hand: look at it next.
		c.ringRemove(i)
		c.drop(i)
		c.evicted = true
	}
}

// over reports whether the cache should shrink: it is over its own budget, or the server's
// caches together are over theirs.
func (c *cache) over() bool { return c.used > c.budget || c.acct.over(c.used) }

// drop frees entry i's slot.
func (c *cache) drop(i uint32) {
	e := &c.entries[i]
	c.used -= e.size()
	delete(c.index, e.key)
	*e = entry{ringPos: -1}
	c.free = append(c.free, i)
}
