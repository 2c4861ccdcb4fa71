// Package kafka is Runnel's Kafka connector: option parsing for CREATE SOURCE/SINK ... WITH (...), a
// Reader that follows a topic's partitions from offsets the engine owns, a Writer for sinks, and an
// embedded broker (kfake) for tests and the playground.
//
// The Reader uses no consumer group: offsets are committed with view state in the engine's own
// checkpoint, which is what makes sources exactly-once. Kafka only ever sees fetches.
package kafka
