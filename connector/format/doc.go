// Package format turns Kafka message payloads into rows and rows into payloads. JSON is the one
// encoding so far (FORMAT PLAIN ENCODE JSON, RisingWave's conventions).
//
// Decoding is the hot path of every Kafka source, so the decoder is a hand-written scanner that
// converts each field straight into a Datum of its column's type: no map[string]any, no reflection,
// and no allocation for numbers and times. Nested values are only validated and sliced out of the
// payload, then handed to the jsonb parser when a column wants them.
package format

import "github.com/runnel-db/runnel/types"

// Column is one column of the rows a decoder produces or an encoder consumes.
type Column struct {
	Name string
	Type types.Type
}
