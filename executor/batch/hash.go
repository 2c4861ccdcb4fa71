package batch

import "github.com/runnel-db/runnel/types"

// hashDatum and equalDatum are the one place the executor's notion of key equality comes from, so
// that hashing and comparing always agree: types.Hash is consistent with types.Equal, under which
// NULL equals NULL (grouping semantics) and integers of different widths are equal by value. A
// multi-column key hashes by chaining: each column's hash seeds the next.
func hashDatum(d types.Datum, seed uint64) uint64 { return types.Hash(d, seed) }

func equalDatum(a, b types.Datum) bool { return types.Equal(a, b) }
