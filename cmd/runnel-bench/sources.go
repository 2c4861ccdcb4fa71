package main

import (
	"fmt"
	"strings"

	"github.com/runnel-db/runnel/connector/nexmark"
)

// tableTypes are the Nexmark tables, in the order the generator's proportions list them.
var tableTypes = []string{"person", "auction", "bid"}

func eventType(table string) nexmark.EventType {
	switch table {
	case "person":
		return nexmark.Person
	case "auction":
		return nexmark.Auction
	}
	return nexmark.Bid
}

// TableEvents is how many of the first n events are of table's type: the generator cycles through
// person, auction, bid in proportions 1:3:46, so a typed source with nexmark.event.num = n (or a
// topic filled with those events) delivers this many rows.
func TableEvents(table string, n int64) int64 {
	c := nexmark.DefaultConfig
	denom := c.PersonProportion + c.AuctionProportion + c.BidProportion
	offset, prop := int64(0), c.PersonProportion
	switch table {
	case "auction":
		offset, prop = c.PersonProportion, c.AuctionProportion
	case "bid":
		offset, prop = c.PersonProportion+c.AuctionProportion, c.BidProportion
	}
	return n/denom*prop + min(max(n%denom-offset, 0), prop)
}

// ExpectedRecords is what the sources of tables deliver for n events in total, a table counted once
// per reader (see Query.Scans).
func ExpectedRecords(tables []string, n int64) int64 {
	var sum int64
	for _, t := range tables {
		sum += TableEvents(t, n)
	}
	return sum
}

// columnList is the CREATE SOURCE column list of a typed Nexmark table.
func columnList(table string) string {
	o := &nexmark.Options{Type: eventType(table)}
	var cols []string
	for _, c := range nexmark.Columns(o) {
		cols = append(cols, c.Name+" "+c.Type.String())
	}
	return "(" + strings.Join(cols, ", ") + ")"
}

// NexmarkSourceDDL is the generator source of table: unpaced (gap 0) so that the view, not the
// generator, sets the speed, with two splits as RisingWave's benchmark runs it per core.
func NexmarkSourceDDL(table string, n int64, splits int) string {
	return fmt.Sprintf(`CREATE SOURCE %s %s WITH (connector = 'nexmark', nexmark.table.type = '%s', `+
		`nexmark.event.num = '%d', nexmark.split.num = '%d', nexmark.min.event.gap.in.ns = '0')`,
		table, columnList(table), eventType(table), n, splits)
}

// KafkaSourceDDL is table read from topic as JSON, from the beginning.
func KafkaSourceDDL(table, topic, broker string) string {
	return fmt.Sprintf(`CREATE SOURCE %s %s WITH (connector = 'kafka', topic = '%s', `+
		`properties.bootstrap.server = '%s', scan.startup.mode = 'earliest') FORMAT PLAIN ENCODE JSON`,
		table, columnList(table), topic, broker)
}
