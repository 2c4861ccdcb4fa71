package nexmark

// Event is one generated event; only the member of its Type is meaningful. Times are milliseconds
// since the epoch, as nexmark-rs keeps them.
type Event struct {
	Type    EventType
	Person  PersonEvent
	Auction AuctionEvent
	Bid     BidEvent
}

// PersonEvent is a new person (RisingWave's person struct).
type PersonEvent struct {
	ID                                          int64
	Name, EmailAddress, CreditCard, City, State string
	DateTime                                    int64
	Extra                                       string
}

// AuctionEvent is a new auction.
type AuctionEvent struct {
	ID                    int64
	ItemName, Description string
	InitialBid, Reserve   int64
	DateTime, Expires     int64
	Seller, Category      int64
	Extra                 string
}

// BidEvent is a bid on an auction.
type BidEvent struct {
	Auction, Bidder, Price int64
	Channel, URL           string
	DateTime               int64
	Extra                  string
}

// hotRatio2 is nexmark-rs's HOT_*_RATIO constant: hot sellers, auctions and bidders are the first
// (bidders: second) of each batch of 100 ids.
const hotRatio2 = 100

// builder makes events. Each event's strings are built in one buffer and converted to one string
// that the fields slice, so an event costs one allocation however many strings it has.
type builder struct {
	m   *model
	buf []byte
}

func (b *builder) rng(n int64) smallRng {
	// The event id seeds the event's randomness (first_event_id is 0, so id = number); nexmark.seed
	// perturbs it, and 0 leaves RisingWave's stream.
	return seedRng(uint64(n) ^ b.m.seed*0x9e3779b97f4a7c15)
}

// event fills e with event number n.
func (b *builder) event(n int64, e *Event) {
	e.Type = b.m.eventType(n)
	switch e.Type {
	case Person:
		b.person(n, &e.Person)
	case Auction:
		b.auction(n, &e.Auction)
	default:
		b.bid(n, &e.Bid)
	}
}

// person follows nexmark-rs Person::new, drawing in the same order.
func (b *builder) person(n int64, p *PersonEvent) {
	m := b.m
	r := b.rng(n)
	p.ID = m.personLastID(n) + m.FirstPersonID
	first := r.below32(uint32(len(firstNames)))
	last := r.below32(uint32(len(lastNames)))
	p.Name = fullNames[int(first)*len(lastNames)+int(last)]
	buf := r.letters(b.buf[:0], 7)
	buf = append(buf, '@')
	buf = r.letters(buf, 5)
	buf = append(buf, ".com"...)
	emailEnd := len(buf)
	for i := range 4 {
		if i > 0 {
			buf = append(buf, ' ')
		}
		d := r.below32(10000)
		buf = append(buf, byte('0'+d/1000), byte('0'+d/100%10), byte('0'+d/10%10), byte('0'+d%10))
	}
	cardEnd := len(buf)
	p.City = usCities[r.below32(uint32(len(usCities)))]
	p.State = usStates[r.below32(uint32(len(usStates)))]
	size := 8 + len(p.Name) + cardEnd + len(p.City) + len(p.State)
	buf = r.extra(buf, size, int(m.AvgPersonSize))
	s := string(buf)
	p.EmailAddress, p.CreditCard, p.Extra = s[:emailEnd], s[emailEnd:cardEnd], s[cardEnd:]
	p.DateTime = m.timestamp(n)
	b.buf = buf
}

// auction follows nexmark-rs Auction::new (0.2.0, whose seller refers to the event id).
func (b *builder) auction(n int64, a *AuctionEvent) {
	m := b.m
	r := b.rng(n)
	a.ID = m.auctionLastID(n) + m.FirstAuctionID
	buf := r.letters(b.buf[:0], 20)
	buf = r.letters(buf, 100)
	a.InitialBid = r.price()
	a.Reserve = a.InitialBid + r.price()
	a.DateTime = m.timestamp(n)
	a.Expires = a.DateTime + m.auctionLength(n, &r, a.DateTime)
	if r.below64(uint64(m.HotSellerRatio)) > 0 {
		a.Seller = m.personLastID(n) / hotRatio2 * hotRatio2
	} else {
		a.Seller = m.personNextID(n, &r)
	}
	a.Seller += m.FirstPersonID
	a.Category = m.FirstCategoryID + int64(r.below64(uint64(m.NumCategories)))
	buf = r.extra(buf, 8+20+100+8+8+8+8+8, int(m.AvgAuctionSize))
	s := string(buf)
	a.ItemName, a.Description, a.Extra = s[:20], s[20:120], s[120:]
	b.buf = buf
}

// bid follows nexmark-rs Bid::new. Channel and url come from the shared tables: no allocation.
func (b *builder) bid(n int64, d *BidEvent) {
	m := b.m
	r := b.rng(n)
	if r.below64(uint64(m.HotAuctionRatio)) > 0 {
		d.Auction = m.auctionLastID(n) / hotRatio2 * hotRatio2
	} else {
		d.Auction = m.auctionNextID(n, &r)
	}
	d.Auction += m.FirstAuctionID
	if r.below64(uint64(m.HotBidderRatio)) > 0 {
		d.Bidder = m.personLastID(n)/hotRatio2*hotRatio2 + 1
	} else {
		d.Bidder = m.personNextID(n, &r)
	}
	d.Bidder += m.FirstPersonID
	d.Price = r.price()
	if r.below64(uint64(m.HotChannelRatio)) > 0 {
		i := r.below64(uint64(len(hotChannels)))
		d.Channel, d.URL = hotChannels[i], hotURLs[i]
	} else {
		chans, urls := channelTable()
		i := r.below32(numChannels)
		d.Channel, d.URL = chans[i], urls[i]
	}
	d.DateTime = m.timestamp(n)
	buf := r.extra(b.buf[:0], 8+8+8+8, int(m.AvgBidSize))
	d.Extra = string(buf)
	b.buf = buf
}
