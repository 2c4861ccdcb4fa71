package storage

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cockroachdb/pebble"
)

// DefaultStateCacheBytes is the cache budget of a StateTable created with
// cacheBytes <= 0.
const DefaultStateCacheBytes = 16 << 20

// StateTable is a stateful operator's view of its state: a key/value table
// with read-your-writes over the last committed epoch, a write set flushed
// into the epoch's Batch at each barrier, and a byte-bounded cache so that
// state larger than memory only costs Pebble reads on misses.
//
// Single writer: a StateTable belongs to one actor (one goroutine owns one
// partition of the operator's state), so nothing here locks. Calling any
// method from two goroutines at once is a data race. Different actors of
// the same operator may share a TableID as long as their keys are disjoint
// (the virtual-node prefix guarantees that).
//
// Lifecycle of a write: Put/Delete make it dirty (visible to Get and Iter
// at once); Flush, at the barrier, copies it into the epoch's Batch and pins
// it; when that batch's Commit returns the entry becomes an ordinary clean
// cache entry, evictable. Pinning matters because the actor goes on
// processing the next epoch while the coordinator commits: if a flushed
// entry were evicted before its commit, a Get would fall through to Pebble
// and read the previous value.
//
// If a Batch a StateTable flushed into is abandoned (closed, or its Commit
// fails), the StateTable's contents no longer match the store: discard it and
// rebuild from the store, as recovery does.
type StateTable struct {
	s *Store
	t TableID
	c cache

	// dirty lists the entries with fDirty, for Flush.
	dirty []uint32
	// overlay lists the entries Pebble does not have yet (dirty or pinned),
	// which MergedIter lays over a Pebble iterator. Kept sorted by key
	// lazily: appends that arrive in order keep it sorted, others mark it
	// unsorted and the next Iter sorts it.
	overlay       []uint32
	overlaySorted bool
	// sortedLen: when the overlay is not sorted, overlay[:sortedLen] still is (see sortedOverlay).
	sortedLen int
	mergeBuf  []uint32
	// pending are the Flushes whose batches are not known to be committed,
	// oldest first.
	pending []pinGroup
	gen     uint32
	spare   []uint32 // a released group's list, reused for dirty

	// openIters counts open MergedIters, which hold the value slices of
	// overlay entries: while any is open, Put must not overwrite a value
	// buffer in place.
	openIters int

	keyBuf       []byte
	hits, misses uint64

	// startedEmpty: the table had no committed keys when this StateTable was created. Until the
	// cache first evicts (or a write goes around it, blind), every key the table can see is then
	// in the cache, and a miss is an absence without asking Pebble, whose negative lookups (a
	// skiplist seek through the memtables, then the sstables' filters) were a quarter of the CPU
	// of a DISTINCT aggregation probing for new values.
	startedEmpty bool
	wroteBlind   bool

	// blind are the epoch's PutBlind writes, their bytes in arena.
	blind []blindWrite
	arena []byte
	// unreported is the bytes written since the last report to the store's epoch accounting.
	unreported int64
}

// blindWrite locates one PutBlind write in the arena: key [k, v), value [v, end).
type blindWrite struct{ k, v, end int }

type pinGroup struct {
	gen  uint32
	done *commitState
	idxs []uint32
}

// NewStateTable returns the state table for table t whose cache holds about
// cacheBytes (DefaultStateCacheBytes if <= 0) of clean entries, and less when the store's
// caches together are over Options.StateCacheBytes. Dirty and
// pinned entries are not bounded by it: an epoch's writes stay in memory
// until its commit.
func NewStateTable(s *Store, t TableID, cacheBytes int64) *StateTable {
	checkTable(t)
	if cacheBytes <= 0 {
		cacheBytes = DefaultStateCacheBytes
	}
	st := &StateTable{s: s, t: t, c: newCache(cacheBytes), overlaySorted: true}
	st.c.acct = newAccount(s.budget, st)
	st.startedEmpty = s.tableEmpty(t)
	return st
}

// StartedEmpty reports whether the table had no committed keys when the StateTable was created.
func (st *StateTable) StartedEmpty() bool { return st.startedEmpty }

// complete reports whether the cache holds every key the table can see (see startedEmpty).
func (st *StateTable) complete() bool { return st.startedEmpty && !st.c.evicted && !st.wroteBlind }

// Table is the table id the state lives in.
func (st *StateTable) Table() TableID { return st.t }

// Get returns the current value of key: the uncommitted write if there is
// one, else the committed value. The returned slice belongs to the table:
// do not modify it, and do not use it after the next Put, Delete or Flush
// (copy it to keep it).
func (st *StateTable) Get(key []byte) ([]byte, bool, error) {
	if i, ok := st.c.index[string(key)]; ok {
		e := &st.c.entries[i]
		e.flags |= fRef
		st.hits++
		if e.flags&fAbsent != 0 {
			return nil, false, nil
		}
		return e.val, true, nil
	}
	st.misses++
	if st.complete() {
		return nil, false, nil
	}
	st.keyBuf = appendKey(st.keyBuf[:0], st.t, key)
	v, closer, err := st.s.db.Get(st.keyBuf)
	if errors.Is(err, pebble.ErrNotFound) {
		// Remember the absence: operators probe for keys that do not exist
		// yet (a new group) and usually Put them right after.
		st.insertClean(key, nil, fAbsent)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("storage: state table %d: get: %w", st.t, err)
	}
	i := st.insertClean(key, v, 0)
	_ = closer.Close() // v was copied by insertClean
	return st.c.entries[i].val, true, nil
}

func (st *StateTable) insertClean(key, val []byte, flags uint8) uint32 {
	i := st.c.add(key, val, flags)
	st.c.ringAdd(i)
	if st.c.over() {
		st.releasePins()
		// Keep the entry just read out of reach of this sweep: the caller
		// holds its value.
		st.c.entries[i].flags |= fRef
		st.c.evict()
		if st.c.entries[i].flags&fLive == 0 || st.c.entries[i].key != string(key) {
			// Evicted anyway (a tiny budget): re-add it, unbounded by the
			// budget until the next sweep.
			i = st.c.add(key, val, flags)
			st.c.ringAdd(i)
		}
	}
	return i
}

// Put sets key to value. It copies both.
func (st *StateTable) Put(key, value []byte) { st.write(key, value, 0) }

// PutBlind writes key = value for the epoch without caching it or reading what the key held: for
// writers that never read their keys back (a view fed only by inserts with keys of their own). A
// PutBlind key must not also be written with Put or Delete, or read with Get or Iter, before the
// next Flush; after the commit it reads from Pebble like any other key.
func (st *StateTable) PutBlind(key, value []byte) {
	st.wroteBlind = true
	k := len(st.arena)
	st.arena = append(st.arena, key...)
	v := len(st.arena)
	st.arena = append(st.arena, value...)
	st.blind = append(st.blind, blindWrite{k: k, v: v, end: len(st.arena)})
	st.noteWrite(len(key) + len(value))
}

// noteWrite counts n written bytes towards the store's epoch size, in steps of writeReportBytes so
// that writers do not share a counter per row.
func (st *StateTable) noteWrite(n int) {
	st.unreported += int64(n)
	if st.unreported >= writeReportBytes {
		st.s.noteWrites(st.unreported)
		st.unreported = 0
	}
}

// Delete removes key.
func (st *StateTable) Delete(key []byte) { st.write(key, nil, fAbsent) }

func (st *StateTable) write(key, value []byte, absent uint8) {
	st.noteWrite(len(key) + len(value))
	i, ok := st.c.index[string(key)]
	if !ok {
		i = st.c.add(key, value, absent|fDirty)
		st.markDirty(i, true)
		if st.c.over() {
			st.releasePins()
			st.c.evict()
		}
		return
	}
	e := &st.c.entries[i]
	if absent != 0 && e.flags&(fAbsent|fDirty|fPinned) == fAbsent {
		return // deleting a key known to be absent from the committed state
	}
	switch {
	case absent != 0:
		st.c.used -= int64(cap(e.val))
		e.val = nil
	case cap(e.val) >= len(value) && st.openIters == 0:
		e.val = e.val[:len(value)]
		copy(e.val, value)
	default:
		st.c.used -= int64(cap(e.val))
		e.val = append(make([]byte, 0, len(value)), value...)
		st.c.used += int64(cap(e.val))
	}
	e.flags = e.flags&^(fAbsent|fPinned) | absent | fRef
	if e.flags&fDirty == 0 {
		e.flags |= fDirty
		if e.ringPos >= 0 {
			st.c.ringRemove(i)
		}
		st.markDirty(i, e.flags&fOverlay == 0)
	}
}

// markDirty records entry i (flagged dirty) in the dirty list and, if asked,
// the overlay.
func (st *StateTable) markDirty(i uint32, toOverlay bool) {
	st.dirty = append(st.dirty, i)
	if !toOverlay {
		return
	}
	e := &st.c.entries[i]
	e.flags |= fOverlay
	if n := len(st.overlay); n > 0 && st.overlaySorted && st.c.entries[st.overlay[n-1]].key >= e.key {
		st.overlaySorted = false
		st.sortedLen = n
	}
	st.overlay = append(st.overlay, i)
}

// DeletePrefix deletes every key that starts with prefix (an empty prefix
// deletes the whole table). It costs a scan of those keys: each becomes a
// point deletion.
func (st *StateTable) DeletePrefix(prefix []byte) error {
	it := st.Iter(prefix, PrefixEnd(prefix))
	var keys [][]byte
	for ok := it.First(); ok; ok = it.Next() {
		keys = append(keys, append([]byte(nil), it.Key()...))
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("storage: state table %d: delete prefix: %w", st.t, err)
	}
	for _, k := range keys {
		st.Delete(k)
	}
	return nil
}

// Flush writes every dirty entry into b (the epoch's batch, on a barrier).
// The entries stay cached, pinned until b's Commit returns. After Flush the
// dirty set is empty.
func (st *StateTable) Flush(b *Batch) {
	st.releasePins()
	for _, w := range st.blind {
		b.Put(st.t, st.arena[w.k:w.v], st.arena[w.v:w.end])
	}
	st.blind, st.arena = st.blind[:0], st.arena[:0]
	if len(st.dirty) == 0 {
		return
	}
	st.gen++
	for _, i := range st.dirty {
		e := &st.c.entries[i]
		if e.flags&fAbsent != 0 {
			b.Delete(st.t, bytesOf(e.key))
		} else {
			b.Put(st.t, bytesOf(e.key), e.val)
		}
		e.flags = e.flags&^fDirty | fPinned
		e.pinGen = st.gen
	}
	st.pending = append(st.pending, pinGroup{gen: st.gen, done: b.done, idxs: st.dirty})
	st.dirty, st.spare = st.spare[:0], nil
}

// releasePins turns the entries of committed flushes into clean cache
// entries. It is an atomic load when nothing committed.
func (st *StateTable) releasePins() {
	released := false
	for len(st.pending) > 0 && st.pending[0].done.isCommitted() {
		g := st.pending[0]
		for _, i := range g.idxs {
			e := &st.c.entries[i]
			// An entry written again after this flush is dirty or pinned by
			// a later group; it is not clean yet.
			if e.flags&fPinned != 0 && e.pinGen == g.gen {
				e.flags &^= fPinned | fOverlay
				st.c.ringAdd(i)
				released = true
			}
		}
		st.pending[0] = pinGroup{}
		st.pending = st.pending[1:]
		if st.spare == nil {
			st.spare = g.idxs[:0]
		}
	}
	if released {
		st.sortedLen = 0 // positions move: sort everything next time, unless already sorted
		st.overlay = slices.DeleteFunc(st.overlay, func(i uint32) bool {
			return st.c.entries[i].flags&fOverlay == 0
		})
	}
}

// DirtyCount is the number of entries written since the last Flush.
func (st *StateTable) DirtyCount() int { return len(st.dirty) }

// CacheStats returns Get's cache hits and misses so far. Like every
// StateTable method it must be called by the owning actor.
func (st *StateTable) CacheStats() (hits, misses uint64) { return st.hits, st.misses }

// CachedBytes is the approximate memory the table's entries take, dirty and
// pinned ones included.
func (st *StateTable) CachedBytes() int64 { return st.c.used }

// sortedOverlay returns the overlay sorted by key. Only the writes since the last sort are sorted,
// then merged with the sorted rest: a join that loads a missing bucket after every chunk (Iter)
// would otherwise sort the whole epoch's writes once per chunk.
func (st *StateTable) sortedOverlay() []uint32 {
	if st.overlaySorted {
		return st.overlay
	}
	cmp := func(a, b uint32) int { return strings.Compare(st.c.entries[a].key, st.c.entries[b].key) }
	head, tail := st.overlay[:st.sortedLen], st.overlay[st.sortedLen:]
	slices.SortFunc(tail, cmp)
	if len(head) > 0 && cmp(head[len(head)-1], tail[0]) > 0 {
		merged := st.mergeBuf[:0]
		i, j := 0, 0
		for i < len(head) && j < len(tail) {
			if cmp(head[i], tail[j]) <= 0 {
				merged = append(merged, head[i])
				i++
			} else {
				merged = append(merged, tail[j])
				j++
			}
		}
		merged = append(append(merged, head[i:]...), tail[j:]...)
		// The overlay's old backing array becomes the next merge's buffer.
		st.overlay, st.mergeBuf = merged, st.overlay[:0]
	}
	st.overlaySorted = true
	st.sortedLen = len(st.overlay)
	return st.overlay
}
