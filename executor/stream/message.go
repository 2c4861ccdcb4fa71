// Package stream runs materialized views and tables as graphs of actors: goroutines that consume and
// emit Messages, chunks of changes separated by barriers. A barrier marks the end of an epoch: each
// stateful actor flushes its state changes for the epoch when the barrier passes it, and the epoch
// commits, in one Pebble batch, once the barrier has reached every actor that writes state.
package stream

import "github.com/runnel-db/runnel/types"

// Barrier ends epoch Epoch on the channel it travels.
type Barrier struct {
	Epoch uint64
	// Stop tells the receiving actors to exit after handling the barrier (the job is being dropped).
	Stop bool
}

// Message is either a chunk of changes or a barrier.
type Message struct {
	Chunk   *types.Chunk
	Barrier *Barrier
}

// ChannelSize is the capacity of the channels between actors, in messages. Bounded channels give
// back-pressure all the way to the sources.
const ChannelSize = 16
