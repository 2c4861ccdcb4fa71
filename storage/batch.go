package storage

import (
	"encoding/binary"
	"fmt"
	"sync/atomic"

	"github.com/cockroachdb/pebble"
)

// Batch collects one epoch's writes (or part of them, see Append) for
// Store.Commit. Nothing in a Batch is visible to any reader, including the
// writer's own Store.Get, until Commit applies it; StateTable provides
// read-your-writes on top.
//
// A Batch is not safe for concurrent use. Ops apply in the order they were
// added: a Put after a DeleteRange covering its key survives, a Put before
// it does not.
//
// Put and Delete copy their arguments into the batch's buffer, so callers may
// reuse them at once; they do not allocate beyond the buffer's growth.
type Batch struct {
	pb *pebble.Batch
	// done is how StateTables learn that the entries they flushed into this
	// batch became durable (and may therefore be evicted from their caches).
	// It is shared, not copied, so Append can hand a child batch's fate to
	// its parent.
	done *commitState
	// count of ops, for Len; pebble's Count() does the same but is spelled
	// differently across versions.
	count int
}

// commitState is set by Commit once the batch is durable. A batch appended
// into another forwards to the parent's state.
type commitState struct {
	committed atomic.Bool
	parent    atomic.Pointer[commitState]
}

func (c *commitState) isCommitted() bool {
	for ; c != nil; c = c.parent.Load() {
		if c.committed.Load() {
			return true
		}
	}
	return false
}

// NewBatch returns an empty batch.
func (s *Store) NewBatch() *Batch {
	return &Batch{pb: s.db.NewBatch(), done: new(commitState)}
}

// Put sets key to value in table t.
func (b *Batch) Put(t TableID, key, value []byte) {
	checkTable(t)
	op := b.pb.SetDeferred(prefixLen+len(key), len(value))
	binary.BigEndian.PutUint32(op.Key, uint32(t))
	copy(op.Key[prefixLen:], key)
	copy(op.Value, value)
	// Finish only indexes the op, and our batches are never indexed.
	_ = op.Finish()
	b.count++
}

// Delete removes key from table t.
func (b *Batch) Delete(t TableID, key []byte) {
	checkTable(t)
	op := b.pb.DeleteDeferred(prefixLen + len(key))
	binary.BigEndian.PutUint32(op.Key, uint32(t))
	copy(op.Key[prefixLen:], key)
	_ = op.Finish()
	b.count++
}

// DeleteRange removes every key of table t in [lo, hi). nil lo is the start
// of the table, nil hi its end.
func (b *Batch) DeleteRange(t TableID, lo, hi []byte) {
	lower, upper := tableBounds(t, lo, hi)
	// DeleteRange fails only on an indexed batch.
	_ = b.pb.DeleteRange(lower, upper, nil)
	b.count++
}

// DropTable removes every key of table t. Pebble reclaims the space lazily,
// in compactions.
func (b *Batch) DropTable(t TableID) { b.DeleteRange(t, nil, nil) }

// Len is the number of operations in the batch.
func (b *Batch) Len() int { return b.count }

// Empty reports whether the batch holds no operation.
func (b *Batch) Empty() bool { return b.count == 0 }

// Size is the encoded size of the batch in bytes.
func (b *Batch) Size() int { return b.pb.Len() }

// Append moves all of other's operations to the end of b and consumes other
// (it must not be used again). It lets actors fill private batches without
// locking and a coordinator concatenate them into the epoch's batch. Entries
// StateTables flushed into other are treated as committed when b is.
func (b *Batch) Append(other *Batch) error {
	if other == b {
		return fmt.Errorf("storage: append a batch to itself")
	}
	if err := b.pb.Apply(other.pb, nil); err != nil {
		return fmt.Errorf("storage: append batch: %w", err)
	}
	b.count += other.count
	other.done.parent.Store(b.done)
	other.release()
	return nil
}

// Close discards an uncommitted batch. Entries StateTables flushed into it
// stay pinned in their caches; after abandoning a batch, rebuild the
// operators from the store (as recovery does) rather than going on.
func (b *Batch) Close() error {
	b.release()
	return nil
}

func (b *Batch) markCommitted() { b.done.committed.Store(true) }

// release returns the Pebble batch to its pool; the Batch itself (and its
// commitState, which StateTables may still hold) outlives it.
func (b *Batch) release() {
	if b.pb != nil {
		_ = b.pb.Close()
		b.pb = nil
	}
}
