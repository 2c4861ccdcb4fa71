// Package nexmark generates the Nexmark benchmark's events (people, auctions and bids) the way
// RisingWave's nexmark connector does, so that DDL written for RisingWave
// (WITH (connector = 'nexmark', nexmark.table.type = 'Bid', ...)) yields the same rows here.
//
// RisingWave uses the nexmark-rs crate (0.2.0), a port of the Beam/Flink NexmarkGenerator. Every
// event is a pure function of its event number: its random values come from a SmallRng seeded with
// the event id, its timestamp is base time + number * inter-event delay, and the ids it refers to
// are derived from its number (the last person/auction so far, or a random recent one). This
// package reproduces that function exactly — the same xoshiro256++ stream and the same rand 0.8
// sampling — so rows match RisingWave's value for value, and a generator can resume at any position
// after a restart without replaying anything.
//
// Splits follow RisingWave too: split i of n yields the i-th, (i+n)-th, (i+2n)-th... event of the
// source's type (of all events when no type is set).
package nexmark
