package nexmark

import (
	"sort"
	"strconv"
	"strings"

	"github.com/runnel-db/runnel/pgerr"
)

// EventType is the kind of a Nexmark event; its value is the combined source's event_type column.
type EventType uint8

const (
	Person EventType = iota
	Auction
	Bid
	// AllEvents is a source without nexmark.table.type: every event, in the combined row form.
	AllEvents
)

func (t EventType) String() string {
	switch t {
	case Person:
		return "Person"
	case Auction:
		return "Auction"
	case Bid:
		return "Bid"
	}
	return "all events"
}

// BaseTime is the event time of event 0 in milliseconds: 2015-07-15 00:00:00 UTC, RisingWave's
// base for typed sources. (RisingWave's combined source starts at the wall clock instead; Runnel
// uses the fixed base for both, so the same options always give the same rows.)
const BaseTime = 1_436_918_400_000

// Options are a nexmark source's WITH options, validated, with RisingWave's defaults.
type Options struct {
	Type EventType // nexmark.table.type (case-insensitive); AllEvents when absent
	// EventNum bounds the events of all types and all splits together (nexmark.event.num), by event
	// number as RisingWave counts them; -1 is unbounded.
	EventNum      int64
	SplitNum      int   // nexmark.split.num, default 1
	MinEventGapNs int64 // nexmark.min.event.gap.in.ns, default 100000 (10k events/s); 0 = unpaced
	UseRealTime   bool  // nexmark.use.real.time: pace to the events' own timestamps
	MaxChunkSize  int   // nexmark.max.chunk.size, default 1024
	// Seed is a Runnel extension (nexmark.seed): 0, the default, gives RisingWave's events; any
	// other value a different but equally deterministic stream.
	Seed     uint64
	BaseTime int64 // nexmark.base.time, milliseconds since the epoch

	Config
}

// Config is the generator's model: the NexmarkConfig knobs RisingWave exposes as nexmark.* options.
type Config struct {
	ActivePeople      int64 // people considered active for new auctions and bids
	InFlightAuctions  int64 // auctions open at once, which sets auction lengths
	AvgPersonSize     int64 // average event sizes in bytes, reached by padding "extra"
	AvgAuctionSize    int64
	AvgBidSize        int64
	HotSellerRatio    int64 // 1 - 1/ratio of auctions come from a hot seller, and so on
	HotAuctionRatio   int64
	HotBidderRatio    int64
	HotChannelRatio   int64
	NumCategories     int64
	AuctionIDLead     int64 // how far past the last auction a bid may point
	PersonIDLead      int64
	PersonProportion  int64 // of every Person+Auction+Bid events, this many are people...
	AuctionProportion int64
	BidProportion     int64
	FirstAuctionID    int64
	FirstPersonID     int64
	FirstCategoryID   int64
	FirstEventRate    int64 // events per unit of time, which spaces the event timestamps
	UsPerUnit         int64
	Threads           int64 // generator count: multiplies the inter-event delay
}

// DefaultConfig is nexmark-rs 0.2.0's NexmarkConfig::default().
var DefaultConfig = Config{
	ActivePeople: 1000, InFlightAuctions: 100,
	AvgPersonSize: 200, AvgAuctionSize: 500, AvgBidSize: 100,
	HotSellerRatio: 4, HotAuctionRatio: 2, HotBidderRatio: 4, HotChannelRatio: 2,
	NumCategories: 5, AuctionIDLead: 10, PersonIDLead: 10,
	PersonProportion: 1, AuctionProportion: 3, BidProportion: 46,
	FirstAuctionID: 1000, FirstPersonID: 1000, FirstCategoryID: 10,
	FirstEventRate: 10_000, UsPerUnit: 1_000_000, Threads: 1,
}

type setter func(o *Options, key, v string) error

func intOpt(field func(o *Options) *int64, lo int64) setter {
	return func(o *Options, key, v string) error {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < lo {
			if lo == 0 {
				return badValue(key, v, "a non-negative integer")
			}
			return badValue(key, v, "a positive integer")
		}
		*field(o) = n
		return nil
	}
}

// ignored are options RisingWave parses but that change nothing while nexmark.first.event.rate
// sets both rates (as RisingWave does): the rate shape only matters between two different rates.
func ignored(o *Options, key, v string) error { return nil }

func unsupported(o *Options, key, v string) error {
	return pgerr.Unsupported("option %q of the nexmark connector is not supported", key)
}

var setters = map[string]setter{
	"connector": ignored,
	"nexmark.table.type": func(o *Options, key, v string) error {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "person":
			o.Type = Person
		case "auction":
			o.Type = Auction
		case "bid":
			o.Type = Bid
		default:
			return badValue(key, v, "Person, Auction or Bid")
		}
		return nil
	},
	"nexmark.event.num": func(o *Options, key, v string) error {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < -1 {
			return badValue(key, v, "a non-negative number of events, or -1 for no limit")
		}
		o.EventNum = n
		return nil
	},
	"nexmark.split.num": func(o *Options, key, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 1<<16 {
			return badValue(key, v, "a number of splits from 1 to 65536")
		}
		o.SplitNum = n
		return nil
	},
	"nexmark.min.event.gap.in.ns": intOpt(func(o *Options) *int64 { return &o.MinEventGapNs }, 0),
	"nexmark.use.real.time": func(o *Options, key, v string) error {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return badValue(key, v, "true or false")
		}
		o.UseRealTime = b
		return nil
	},
	"nexmark.max.chunk.size": func(o *Options, key, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 1<<20 {
			return badValue(key, v, "a chunk size from 1 to 1048576")
		}
		o.MaxChunkSize = n
		return nil
	},
	"nexmark.seed": func(o *Options, key, v string) error {
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return badValue(key, v, "a non-negative integer")
		}
		o.Seed = n
		return nil
	},
	"nexmark.base.time":               intOpt(func(o *Options) *int64 { return &o.BaseTime }, 0),
	"nexmark.active.people":           intOpt(func(o *Options) *int64 { return &o.ActivePeople }, 1),
	"nexmark.in.flight.auctions":      intOpt(func(o *Options) *int64 { return &o.InFlightAuctions }, 1),
	"nexmark.avg.person.byte.size":    intOpt(func(o *Options) *int64 { return &o.AvgPersonSize }, 0),
	"nexmark.avg.auction.byte.size":   intOpt(func(o *Options) *int64 { return &o.AvgAuctionSize }, 0),
	"nexmark.avg.bid.byte.size":       intOpt(func(o *Options) *int64 { return &o.AvgBidSize }, 0),
	"nexmark.hot.seller.ratio":        intOpt(func(o *Options) *int64 { return &o.HotSellerRatio }, 1),
	"nexmark.hot.auction.ratio":       intOpt(func(o *Options) *int64 { return &o.HotAuctionRatio }, 1),
	"nexmark.hot.bidder.ratio":        intOpt(func(o *Options) *int64 { return &o.HotBidderRatio }, 1),
	"nexmark.hot.channel.ratio":       intOpt(func(o *Options) *int64 { return &o.HotChannelRatio }, 1),
	"nexmark.num.categories":          intOpt(func(o *Options) *int64 { return &o.NumCategories }, 1),
	"nexmark.auction.id.lead":         intOpt(func(o *Options) *int64 { return &o.AuctionIDLead }, 0),
	"nexmark.person.id.lead":          intOpt(func(o *Options) *int64 { return &o.PersonIDLead }, 0),
	"nexmark.person.proportion":       intOpt(func(o *Options) *int64 { return &o.PersonProportion }, 1),
	"nexmark.auction.proportion":      intOpt(func(o *Options) *int64 { return &o.AuctionProportion }, 1),
	"nexmark.bid.proportion":          intOpt(func(o *Options) *int64 { return &o.BidProportion }, 1),
	"nexmark.first.auction.id":        intOpt(func(o *Options) *int64 { return &o.FirstAuctionID }, 0),
	"nexmark.first.person.id":         intOpt(func(o *Options) *int64 { return &o.FirstPersonID }, 0),
	"nexmark.first.category.id":       intOpt(func(o *Options) *int64 { return &o.FirstCategoryID }, 0),
	"nexmark.first.event.rate":        intOpt(func(o *Options) *int64 { return &o.FirstEventRate }, 1),
	"nexmark.us.per.unit":             intOpt(func(o *Options) *int64 { return &o.UsPerUnit }, 1),
	"nexmark.threads":                 intOpt(func(o *Options) *int64 { return &o.Threads }, 1),
	"nexmark.events.per.sec":          ignored,
	"nexmark.next.event.rate":         ignored,
	"nexmark.rate.shape":              ignored,
	"nexmark.rate.period":             ignored,
	"nexmark.sine.approx.steps":       ignored,
	"nexmark.first.event.id":          unsupported,
	"nexmark.first.event.number":      unsupported,
	"nexmark.out.of.order.group.size": unsupported,
	"nexmark.us.states":               unsupported,
	"nexmark.us.cities":               unsupported,
	"nexmark.first.names":             unsupported,
	"nexmark.last.names":              unsupported,
}

func badValue(key, v, want string) error {
	return pgerr.New(pgerr.InvalidParameterValue, "invalid value %q for option %q of the nexmark connector", v, key).
		WithHint("Expected %s.", want)
}

// ParseOptions validates the WITH options of a nexmark source.
func ParseOptions(with map[string]string) (*Options, error) {
	o := &Options{Type: AllEvents, EventNum: -1, SplitNum: 1, MinEventGapNs: 100_000, MaxChunkSize: 1024,
		BaseTime: BaseTime, Config: DefaultConfig}
	// Sorted so that, of several bad keys, the same one is always reported.
	keys := make([]string, 0, len(with))
	for k := range with {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		set, ok := setters[k]
		if !ok {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "unknown option %q for the nexmark connector", k)
		}
		if err := set(o, k, with[k]); err != nil {
			return nil, err
		}
	}
	return o, nil
}
