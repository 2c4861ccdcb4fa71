package nexmark

import (
	"fmt"
	"strings"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// Column is one column of a nexmark source's rows.
type Column struct {
	Name string
	Type types.Type
}

// The field lists of RisingWave's person, auction and bid structs, in order.
var (
	personColumns = []Column{{"id", types.Int64}, {"name", types.Varchar}, {"email_address", types.Varchar},
		{"credit_card", types.Varchar}, {"city", types.Varchar}, {"state", types.Varchar},
		{"date_time", types.Timestamp}, {"extra", types.Varchar}}
	auctionColumns = []Column{{"id", types.Int64}, {"item_name", types.Varchar}, {"description", types.Varchar},
		{"initial_bid", types.Int64}, {"reserve", types.Int64}, {"date_time", types.Timestamp},
		{"expires", types.Timestamp}, {"seller", types.Int64}, {"category", types.Int64}, {"extra", types.Varchar}}
	bidColumns = []Column{{"auction", types.Int64}, {"bidder", types.Int64}, {"price", types.Int64},
		{"channel", types.Varchar}, {"url", types.Varchar}, {"date_time", types.Timestamp}, {"extra", types.Varchar}}
)

// Offsets of each type's fields in the combined row: event_type, then person_*, auction_*, bid_*.
const (
	combinedPerson  = 1
	combinedAuction = combinedPerson + 8
	combinedBid     = combinedAuction + 10
	combinedWidth   = combinedBid + 7
)

// Columns returns the columns of a source with options o, in the order its rows have them. Typed
// sources have RisingWave's columns. RisingWave gives the combined source struct columns (person,
// auction, bid); Runnel has no struct type, so it flattens them to person_id, auction_seller,
// bid_price... — (bid).price becomes bid_price — and the types not in a row are NULL.
func Columns(o *Options) []Column {
	switch o.Type {
	case Person:
		return append([]Column(nil), personColumns...)
	case Auction:
		return append([]Column(nil), auctionColumns...)
	case Bid:
		return append([]Column(nil), bidColumns...)
	}
	out := make([]Column, 0, combinedWidth)
	out = append(out, Column{"event_type", types.Int64})
	for _, g := range []struct {
		prefix string
		cols   []Column
	}{{"person_", personColumns}, {"auction_", auctionColumns}, {"bid_", bidColumns}} {
		for _, c := range g.cols {
			out = append(out, Column{g.prefix + c.Name, c.Type})
		}
	}
	return out
}

// CheckColumns checks a CREATE SOURCE column list against Columns: as in RisingWave
// (check_nexmark_schema), every column must be declared, in order, with its type; names compare
// case-insensitively. An empty list is not an error: the caller may take Columns as the schema.
func CheckColumns(o *Options, declared []Column) error {
	if len(declared) == 0 {
		return nil
	}
	want := Columns(o)
	ok := len(want) == len(declared)
	for i := 0; ok && i < len(want); i++ {
		ok = strings.EqualFold(want[i].Name, declared[i].Name) && want[i].Type == declared[i].Type
	}
	if ok {
		return nil
	}
	return pgerr.New(pgerr.DatatypeMismatch, "the columns of a nexmark source (%s) must be declared in order: %s",
		o.Type, describe(want)).WithDetail("Declared: %s.", describe(declared))
}

func describe(cols []Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s %s", c.Name, c.Type)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
