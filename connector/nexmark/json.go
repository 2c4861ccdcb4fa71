package nexmark

import (
	"strconv"
	"time"
)

// AppendJSON appends e as one JSON object whose field names are the columns of a source of type t
// (Columns): a typed source's fields, or for AllEvents event_type and the event's own prefixed
// fields (the others are left out, which a JSON source reads as NULL). Times are written as
// timestamps in PostgreSQL's text form, 'YYYY-MM-DD HH:MM:SS.ffffff', which Runnel's JSON decoder
// (and RisingWave's) read into a timestamp column. Generated strings are plain ASCII letters, so
// only URLs and names need no escaping either; none is needed for any field.
func AppendJSON(dst []byte, t EventType, e *Event) []byte {
	prefix := ""
	dst = append(dst, '{')
	if t == AllEvents {
		dst = append(dst, `"event_type":`...)
		dst = strconv.AppendInt(dst, int64(e.Type), 10)
		dst = append(dst, ',')
		prefix = [...]string{"person_", "auction_", "bid_"}[e.Type]
	}
	j := jsonObj{dst: dst, prefix: prefix}
	switch e.Type {
	case Person:
		p := &e.Person
		j.int("id", p.ID)
		j.str("name", p.Name)
		j.str("email_address", p.EmailAddress)
		j.str("credit_card", p.CreditCard)
		j.str("city", p.City)
		j.str("state", p.State)
		j.time("date_time", p.DateTime)
		j.str("extra", p.Extra)
	case Auction:
		a := &e.Auction
		j.int("id", a.ID)
		j.str("item_name", a.ItemName)
		j.str("description", a.Description)
		j.int("initial_bid", a.InitialBid)
		j.int("reserve", a.Reserve)
		j.time("date_time", a.DateTime)
		j.time("expires", a.Expires)
		j.int("seller", a.Seller)
		j.int("category", a.Category)
		j.str("extra", a.Extra)
	default:
		b := &e.Bid
		j.int("auction", b.Auction)
		j.int("bidder", b.Bidder)
		j.int("price", b.Price)
		j.str("channel", b.Channel)
		j.str("url", b.URL)
		j.time("date_time", b.DateTime)
		j.str("extra", b.Extra)
	}
	return append(j.dst[:len(j.dst)-1], '}') // the last field's comma becomes the brace
}

type jsonObj struct {
	dst    []byte
	prefix string
}

func (j *jsonObj) key(k string) {
	j.dst = append(j.dst, '"')
	j.dst = append(j.dst, j.prefix...)
	j.dst = append(j.dst, k...)
	j.dst = append(j.dst, '"', ':')
}

func (j *jsonObj) int(k string, v int64) {
	j.key(k)
	j.dst = append(strconv.AppendInt(j.dst, v, 10), ',')
}

// str writes v unescaped: every generated string is letters, digits, spaces and URL characters.
func (j *jsonObj) str(k, v string) {
	j.key(k)
	j.dst = append(j.dst, '"')
	j.dst = append(j.dst, v...)
	j.dst = append(j.dst, '"', ',')
}

func (j *jsonObj) time(k string, ms int64) {
	j.key(k)
	j.dst = append(j.dst, '"')
	j.dst = time.UnixMilli(ms).UTC().AppendFormat(j.dst, "2006-01-02 15:04:05.000000")
	j.dst = append(j.dst, '"', ',')
}
