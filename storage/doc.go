// Package storage is Runnel's durable state: one Pebble database holding every
// operator's state table, every materialized view, the catalog and the source
// offsets, all committed together one epoch at a time.
//
// Storage knows nothing about SQL. Keys and values are opaque bytes; callers
// encode them (memcomparable keys, row-encoded values) so that byte order is
// the order they need for range scans.
//
// # Layout
//
// Every Pebble key is a 4-byte big-endian TableID followed by the caller's
// key. Table 0 (SystemTable) holds the catalog, the source offsets and the
// committed epoch (see SystemKey). Table IDs therefore partition the keyspace
// into contiguous ranges, which is what makes DropTable a single range
// deletion and a table scan a single bounded iterator.
//
// # Epochs and exactly-once
//
// Writers never touch Pebble directly. Each epoch's changes, from every state
// table flushed at the barrier plus the source offsets, go into one Batch, and
// Store.Commit applies that batch together with the new committed epoch as a
// single Pebble batch: a single WAL record. After a crash, Pebble replays the
// WAL up to the last intact record, so the store holds exactly epochs
// 1..CommittedEpoch and nothing of a later one: never half an epoch. Offsets
// and state restored from that point are therefore consistent, which is all
// exactly-once needs.
//
// # Concurrency
//
// Store, Snapshot and Iter creation are safe for concurrent use. A Batch, an
// Iter, a StateTable and a MergedIter each belong to one goroutine.
package storage
