package stream

import (
	"encoding/binary"
	"fmt"

	"github.com/runnel-db/runnel/storage"
)

// The join reads its state through a cache of whole buckets (all rows of one side with one join
// key), as RisingWave's join cache does. Probing the state table directly costs a Pebble iterator
// per probe, and StateTable.Iter sorts the table's uncommitted writes whenever writes arrived out of
// key order, so a probe after a write would cost the whole epoch's writes. With the cache a probe
// of a cached bucket touches only its rows; misses are loaded for a whole chunk before the chunk
// writes anything (prefetch), so they share one sort.
//
// A cached bucket is exact: every write to the state table also updates the bucket if it is cached.
// An evicted bucket is simply reloaded through StateTable.Iter, which sees uncommitted writes, so
// eviction is always safe, even of a bucket still referenced during a change.

// bucketCache is an LRU of buckets, bounded by an estimate of their memory.
type bucketCache struct {
	m map[string]*joinBucket
	// complete[side]: the cache holds every non-empty bucket of that side, so a miss is an empty
	// bucket and needs no read. True from an empty state table until the side's first eviction;
	// it makes a join that starts empty (a new view's backfill) never read its state while its
	// state fits in memory. Kept per side because the sides differ: q7 joins every bid (a bucket
	// per price, soon evicted) with the few window maxima, whose buckets stay cached; each bid
	// probes the maxima for its price, and only an evicted maximum should send that to Pebble.
	complete [2]bool
	lru      joinBucket // sentinel: lru.next is the most recently used bucket
	used     int64
	budget   int64
	over     func(used int64) bool // the server-wide cache budget's check
	end      []byte                // scratch for a bucket's upper bound
	hits     uint64
	misses   uint64
}

// joinBucket is the rows of one side with one join key, as stored.
type joinBucket struct {
	key  string // side byte + memcomparable join key
	rows []joinRow
	// idx finds a row by state key once the bucket is large, so that deleting a row of a hot key
	// does not scan its bucket.
	idx        map[string]int
	size       int64
	prev, next *joinBucket
}

// joinRow is one stored row: data is the state key followed by the encoded row, in one immutable
// allocation. The degree is kept apart because it changes.
type joinRow struct {
	data   []byte
	keyLen int
	degree uint64
}

func (r *joinRow) key() []byte { return r.data[:r.keyLen] }
func (r *joinRow) row() []byte { return r.data[r.keyLen:] }

const (
	bucketOverhead = 160 // map entry, struct, list links
	rowOverhead    = 48  // joinRow and slice headers
	idxOverhead    = 48  // an index map entry, beyond the key bytes
	// indexAt is the bucket size from which rows are indexed by key.
	indexAt = 32
)

func newBucketCache(budget int64, shared *storage.Budget) *bucketCache {
	c := &bucketCache{m: map[string]*joinBucket{}, budget: budget}
	c.over = storage.BudgetCheck(shared, c)
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return c
}

// get returns the cached bucket for key, or nil, and marks it recently used.
func (c *bucketCache) get(key []byte) *joinBucket {
	b := c.m[string(key)]
	if b != nil {
		c.unlink(b)
		c.pushFront(b)
	}
	return b
}

// load returns the bucket for key, reading it from st on a miss. hasDegree says whether the stored
// values carry a degree.
func (c *bucketCache) load(st *storage.StateTable, key []byte, hasDegree bool) (*joinBucket, error) {
	if b := c.get(key); b != nil {
		c.hits++
		return b, nil
	}
	c.misses++
	if c.complete[key[0]] {
		// Empty, and not cached: probes for keys the side does not have (most of q7's) would
		// fill the cache with empty buckets. A write to the key creates it (forWrite).
		return &joinBucket{key: string(key)}, nil
	}
	b := &joinBucket{key: string(key), size: bucketOverhead + int64(len(key))}
	c.end = prefixEnd(c.end[:0], key)
	it := st.Iter(key, c.end)
	for ok := it.First(); ok; ok = it.Next() {
		v := it.Value()
		var deg uint64
		if hasDegree {
			d, n := binary.Uvarint(v)
			if n <= 0 {
				_ = it.Close()
				return nil, fmt.Errorf("corrupt state: value of key %x has no degree", it.Key())
			}
			deg, v = d, v[n:]
		}
		k := it.Key()
		data := make([]byte, 0, len(k)+len(v))
		data = append(append(data, k...), v...)
		b.add(joinRow{data: data, keyLen: len(k), degree: deg})
	}
	if err := it.Close(); err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	return c.insert(b), nil
}

// forWrite returns the cached bucket for key, which a row is being written to, or nil if the
// bucket is not cached and the write need not be reflected. A complete cache must learn of
// every non-empty bucket, so it creates the bucket.
func (c *bucketCache) forWrite(key []byte) *joinBucket {
	if b := c.get(key); b != nil || !c.complete[key[0]] {
		return b
	}
	return c.insert(&joinBucket{key: string(key), size: bucketOverhead + int64(len(key))})
}

func (c *bucketCache) insert(b *joinBucket) *joinBucket {
	c.m[b.key] = b
	c.pushFront(b)
	c.used += b.size
	c.shrink(b)
	return b
}

// startComplete makes the cache complete if st had no rows when it was created.
func (c *bucketCache) startComplete(st *storage.StateTable) {
	empty := st.StartedEmpty()
	c.complete = [2]bool{empty, empty}
}

// resized accounts for a change of delta bytes in a cached bucket.
func (c *bucketCache) resized(b *joinBucket, delta int64) {
	if c.m[b.key] == b {
		c.used += delta
		if delta > 0 {
			// Rows added to cached buckets grow the cache as surely as new buckets do.
			c.shrink(b)
		}
	}
}

// shrink evicts the least recently used buckets, but not keep, until the cache fits its budget.
func (c *bucketCache) shrink(keep *joinBucket) {
	for c.used > c.budget || c.over(c.used) {
		b := c.lru.prev
		if b == keep {
			b = b.prev
		}
		if b == &c.lru {
			return
		}
		c.unlink(b)
		delete(c.m, b.key)
		c.used -= b.size
		c.complete[b.key[0]] = false
	}
}

func (c *bucketCache) unlink(b *joinBucket) {
	b.prev.next, b.next.prev = b.next, b.prev
	b.prev, b.next = nil, nil
}

func (c *bucketCache) pushFront(b *joinBucket) {
	b.prev, b.next = &c.lru, c.lru.next
	c.lru.next.prev = b
	c.lru.next = b
}

// add appends a row and returns the bytes the bucket grew by.
func (b *joinBucket) add(r joinRow) int64 {
	b.rows = append(b.rows, r)
	delta := int64(len(r.data)) + rowOverhead
	switch {
	case b.idx != nil:
		b.idx[string(r.key())] = len(b.rows) - 1
		delta += int64(r.keyLen) + idxOverhead
	case len(b.rows) >= indexAt:
		b.idx = make(map[string]int, 2*len(b.rows))
		for i := range b.rows {
			b.idx[string(b.rows[i].key())] = i
			delta += int64(b.rows[i].keyLen) + idxOverhead
		}
	}
	b.size += delta
	return delta
}

// remove deletes the row with state key k, if present, by moving the last row into its place
// (the order of a bucket's rows means nothing), and returns the bytes the bucket shrank by.
func (b *joinBucket) remove(k []byte) int64 {
	i := -1
	if b.idx != nil {
		if j, ok := b.idx[string(k)]; ok {
			i = j
		}
	} else {
		for j := range b.rows {
			if string(b.rows[j].key()) == string(k) {
				i = j
				break
			}
		}
	}
	if i < 0 {
		return 0
	}
	r := b.rows[i]
	delta := int64(len(r.data)) + rowOverhead
	last := len(b.rows) - 1
	b.rows[i] = b.rows[last]
	b.rows[last] = joinRow{}
	b.rows = b.rows[:last]
	if b.idx != nil {
		delete(b.idx, string(k))
		if i < last {
			b.idx[string(b.rows[i].key())] = i
		}
		delta += int64(r.keyLen) + idxOverhead
	}
	b.size -= delta
	return delta
}

// prefixEnd appends to dst the smallest key above every key that starts with prefix. Join
// prefixes start with a side byte below 0xff, so one always exists.
func prefixEnd(dst, prefix []byte) []byte {
	dst = append(dst, prefix...)
	for i := len(dst) - 1; i >= 0; i-- {
		if dst[i] != 0xff {
			dst[i]++
			return dst[:i+1]
		}
	}
	panic("hash join: prefix of 0xff bytes")
}
