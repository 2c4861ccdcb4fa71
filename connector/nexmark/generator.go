package nexmark

import "github.com/runnel-db/runnel/types"

// Generator produces the rows of one split. Its position is the number of rows (events of the
// source's type) the split has produced: the engine commits it like a Kafka offset, and since every
// event is a function of its number, a generator made at that position continues exactly.
type Generator struct {
	b      builder
	typ    EventType
	split  int64
	splits int64
	pos    int64
	limit  int64 // nexmark.event.num, -1 for none
	ev     Event
}

// NewGenerator returns the generator of split (0-based) of splits, at position.
func NewGenerator(o *Options, split, splits int, position int64) *Generator {
	return &Generator{b: builder{m: newModel(o)}, typ: o.Type, split: int64(split), splits: int64(splits),
		pos: position, limit: o.EventNum}
}

// Position returns the number of rows produced so far.
func (g *Generator) Position() int64 { return g.pos }

// eventNumber is the number (among all events) of the split's next event: RisingWave's generator
// steps the per-type offset by the split count, starting at the split's index.
func (g *Generator) eventNumber() int64 {
	return g.b.m.eventNumber(g.typ, g.split+g.pos*g.splits)
}

// Done reports whether the split has produced every event below nexmark.event.num.
func (g *Generator) Done() bool { return g.limit >= 0 && g.eventNumber() >= g.limit }

// EventTime returns the timestamp (ms) of the next event, for pacing to event time.
func (g *Generator) EventTime() int64 { return g.b.m.timestamp(g.eventNumber()) }

// EventNumber returns the number of the next event among all events, for pacing by event count.
func (g *Generator) EventNumber() int64 { return g.eventNumber() }

// NextEvent fills e with the next event and advances; false when the split is done. The event's
// strings stay valid after later calls.
func (g *Generator) NextEvent(e *Event) bool {
	if g.Done() {
		return false
	}
	g.b.event(g.eventNumber(), e)
	g.pos++
	return true
}

// Next appends up to max rows to c, whose columns are Columns' (further columns, such as a hidden
// row id, are the caller's to fill), and returns the new position and whether the split is done.
func (g *Generator) Next(c *types.Chunk, max int) (position int64, done bool) {
	start := c.Len()
	n := 0
	switch g.typ {
	case Bid:
		n = g.nextBids(c.Cols, max)
	default:
		for ; n < max && !g.Done(); n++ {
			num := g.eventNumber()
			g.b.event(num, &g.ev)
			if g.typ == AllEvents {
				appendCombined(c.Cols, &g.ev)
			} else {
				appendTyped(c.Cols, &g.ev)
			}
			g.pos++
		}
	}
	if c.Ops != nil {
		for range n {
			c.Ops = append(c.Ops, types.Insert)
		}
	}
	c.SetLen(start + n)
	return g.pos, g.Done()
}

// nextBids is Next for the benchmark's hot path: the bid source, written straight into its columns.
func (g *Generator) nextBids(cols [][]types.Datum, max int) int {
	auction, bidder, price, channel, url, at, extra := cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6]
	d := &g.ev.Bid
	n := 0
	for ; n < max && !g.Done(); n++ {
		g.b.bid(g.eventNumber(), d)
		auction = append(auction, types.NewInt64(d.Auction))
		bidder = append(bidder, types.NewInt64(d.Bidder))
		price = append(price, types.NewInt64(d.Price))
		channel = append(channel, types.NewVarchar(d.Channel))
		url = append(url, types.NewVarchar(d.URL))
		at = append(at, types.NewTimestamp(d.DateTime*1000))
		extra = append(extra, types.NewVarchar(d.Extra))
		g.pos++
	}
	cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6] = auction, bidder, price, channel, url, at, extra
	return n
}

// appendTyped appends e as a row of its own type's columns.
func appendTyped(cols [][]types.Datum, e *Event) {
	switch e.Type {
	case Person:
		appendPerson(cols, &e.Person)
	case Auction:
		appendAuction(cols, &e.Auction)
	default:
		appendBid(cols, &e.Bid)
	}
}

// appendCombined appends e as a combined row: event_type, then its own fields, NULL elsewhere.
func appendCombined(cols [][]types.Datum, e *Event) {
	lo, hi := combinedBid, combinedWidth
	switch e.Type {
	case Person:
		lo, hi = combinedPerson, combinedAuction
	case Auction:
		lo, hi = combinedAuction, combinedBid
	}
	cols[0] = append(cols[0], types.NewInt64(int64(e.Type)))
	for i := 1; i < combinedWidth; i++ {
		if i < lo || i >= hi {
			cols[i] = append(cols[i], types.NullDatum)
		}
	}
	// cols[lo:hi] shares cols' backing array, so the appends land in cols.
	appendTyped(cols[lo:hi], e)
}

func appendPerson(cols [][]types.Datum, p *PersonEvent) {
	cols[0] = append(cols[0], types.NewInt64(p.ID))
	cols[1] = append(cols[1], types.NewVarchar(p.Name))
	cols[2] = append(cols[2], types.NewVarchar(p.EmailAddress))
	cols[3] = append(cols[3], types.NewVarchar(p.CreditCard))
	cols[4] = append(cols[4], types.NewVarchar(p.City))
	cols[5] = append(cols[5], types.NewVarchar(p.State))
	cols[6] = append(cols[6], types.NewTimestamp(p.DateTime*1000))
	cols[7] = append(cols[7], types.NewVarchar(p.Extra))
}

func appendAuction(cols [][]types.Datum, a *AuctionEvent) {
	cols[0] = append(cols[0], types.NewInt64(a.ID))
	cols[1] = append(cols[1], types.NewVarchar(a.ItemName))
	cols[2] = append(cols[2], types.NewVarchar(a.Description))
	cols[3] = append(cols[3], types.NewInt64(a.InitialBid))
	cols[4] = append(cols[4], types.NewInt64(a.Reserve))
	cols[5] = append(cols[5], types.NewTimestamp(a.DateTime*1000))
	cols[6] = append(cols[6], types.NewTimestamp(a.Expires*1000))
	cols[7] = append(cols[7], types.NewInt64(a.Seller))
	cols[8] = append(cols[8], types.NewInt64(a.Category))
	cols[9] = append(cols[9], types.NewVarchar(a.Extra))
}

func appendBid(cols [][]types.Datum, d *BidEvent) {
	cols[0] = append(cols[0], types.NewInt64(d.Auction))
	cols[1] = append(cols[1], types.NewInt64(d.Bidder))
	cols[2] = append(cols[2], types.NewInt64(d.Price))
	cols[3] = append(cols[3], types.NewVarchar(d.Channel))
	cols[4] = append(cols[4], types.NewVarchar(d.URL))
	cols[5] = append(cols[5], types.NewTimestamp(d.DateTime*1000))
	cols[6] = append(cols[6], types.NewVarchar(d.Extra))
}
