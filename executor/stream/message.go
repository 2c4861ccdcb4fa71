// Package stream runs materialized views and tables as graphs of actors: goroutines that consume and
// emit Messages, chunks of changes separated by barriers. A barrier marks the end of an epoch: each
// stateful actor flushes its state changes for the epoch when the barrier passes it, and the epoch
// commits, in one Pebble batch, once the barrier has reached every actor that writes state.
package stream

import "github.com/runnel-db/runnel/types"

// Barrier ends epoch Epoch on the channel it travels. Every epoch's barrier reaches every job, so
// actors with several inputs can always align them.
type Barrier struct {
	Epoch uint64
	// Mutation, when not nil, changes the graph at this barrier.
	Mutation *Mutation
}

// Mutation is a change of the actor graph that takes effect exactly at a barrier, so that it
// splits the change streams at an epoch boundary: a new view subscribes to its inputs after the
// epoch its backfill snapshot reads, and a dropped one stops after its last epoch.
type Mutation struct {
	// Add gives relations (by id) new subscribers: after forwarding this barrier, the relation's
	// changes also go to these channels.
	Add map[uint32][]chan<- Message
	// Remove drops subscriber channels after this barrier has been forwarded to them.
	Remove map[chan<- Message]bool
	// Stop lists the jobs whose actors exit after this barrier.
	Stop map[uint32]bool
}

// Stops reports whether the barrier stops job id.
func (b *Barrier) Stops(id uint32) bool {
	return b.Mutation != nil && b.Mutation.Stop[id]
}

// Message is either a chunk of changes or a barrier. Chunks may be shared by several receivers:
// receivers never modify them.
type Message struct {
	Chunk   *types.Chunk
	Barrier *Barrier
	// Writes go with a barrier: system-table entries the sender wants committed in the barrier's
	// epoch, in the receiving actor's batch. A source reader puts its offsets here, so the offsets
	// and the state built from the records before them commit together (exactly once).
	Writes []KV
}

// KV is one system-table entry to write (Value nil deletes it).
type KV struct {
	Key, Value []byte
}

// ChannelSize is the capacity of the channels between actors, in messages. Bounded channels give
// back-pressure all the way to the sources.
const ChannelSize = 4
