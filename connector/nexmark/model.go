package nexmark

import "math"

// model is a Config with what the generator derives from it (nexmark-rs GeneratorConfig).
type model struct {
	Config
	denom    int64   // person + auction + bid proportions: the length of one cycle of event types
	delay    float32 // microseconds between events, in f32 as nexmark-rs keeps it
	baseTime int64
	seed     uint64
}

func newModel(o *Options) *model {
	c := o.Config
	return &model{
		Config: c,
		denom:  c.PersonProportion + c.AuctionProportion + c.BidProportion,
		// rate_to_period(first_rate) * generators; RisingWave sets next_rate = first_rate, so there
		// is always exactly one delay and the rate shape never applies.
		delay:    float32(c.UsPerUnit) / float32(c.FirstEventRate) * float32(c.Threads),
		baseTime: o.BaseTime,
		seed:     o.Seed,
	}
}

// timestamp is event n's time in milliseconds. The product is computed in f32, as nexmark-rs does,
// so timestamps match RisingWave's to the millisecond (f32 rounding included).
func (m *model) timestamp(n int64) int64 {
	ms := float32(n) * m.delay / 1000
	return m.baseTime + int64(math.Round(float64(ms)))
}

// eventType: the first PersonProportion events of every cycle are people, then auctions, then bids.
func (m *model) eventType(n int64) EventType {
	r := n % m.denom
	switch {
	case r < m.PersonProportion:
		return Person
	case r < m.PersonProportion+m.AuctionProportion:
		return Auction
	}
	return Bid
}

// eventNumber maps the k-th event of type t to its number among all events (nexmark-rs
// EventGenerator::global_offset), which is what lets a typed source skip the other types for free.
func (m *model) eventNumber(t EventType, k int64) int64 {
	switch t {
	case Person:
		return k/m.PersonProportion*m.denom + k%m.PersonProportion
	case Auction:
		return k/m.AuctionProportion*m.denom + m.PersonProportion + k%m.AuctionProportion
	case Bid:
		return k/m.BidProportion*m.denom + m.PersonProportion + m.AuctionProportion + k%m.BidProportion
	}
	return k
}

// personLastID is the id (from 0) of the last person generated up to event e: the current one
// when e is a person.
func (m *model) personLastID(e int64) int64 {
	return e/m.denom*m.PersonProportion + min(e%m.denom, m.PersonProportion-1)
}

// personNextID picks a bidder or seller among the active people, or slightly beyond the last one
// (a person not yet generated, as the Beam generator allows with PERSON_ID_LEAD).
func (m *model) personNextID(e int64, r *smallRng) int64 {
	people := m.personLastID(e) + 1
	active := min(people, m.ActivePeople)
	return people - active + int64(r.below64(uint64(active+m.PersonIDLead)))
}

// auctionLastID is the id (from 0) of the last auction generated up to event e.
func (m *model) auctionLastID(e int64) int64 {
	epoch, off := e/m.denom, e%m.denom
	switch {
	case off < m.PersonProportion:
		epoch--
		off = m.AuctionProportion - 1
	case m.PersonProportion+m.AuctionProportion <= off:
		off = m.AuctionProportion - 1
	default:
		off -= m.PersonProportion
	}
	return epoch*m.AuctionProportion + off
}

// auctionNextID picks one of the in-flight auctions, or slightly beyond the last one.
func (m *model) auctionNextID(e int64, r *smallRng) int64 {
	hi := m.auctionLastID(e)
	lo := max(hi-m.InFlightAuctions, 0)
	return lo + int64(r.below64(uint64(hi-lo+1+m.AuctionIDLead)))
}

// auctionLength is how long auction event n stays open: up to twice the time it takes for
// InFlightAuctions more auctions to be created, so that about that many are open at once.
func (m *model) auctionLength(n int64, r *smallRng, now int64) int64 {
	events := m.InFlightAuctions * m.denom / m.AuctionProportion
	horizon := m.timestamp(n+events) - now
	return 1 + int64(r.below64(uint64(max(horizon*2, 1))))
}
