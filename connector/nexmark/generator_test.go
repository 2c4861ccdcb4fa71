package nexmark

import (
	"reflect"
	"testing"

	"github.com/runnel-db/runnel/types"
)

func TestDeterministic(t *testing.T) {
	for _, typ := range []string{"Bid", "Person", "Auction", ""} {
		o := mustOptions(t, "nexmark.table.type", typ)
		a := rows(t, o, NewGenerator(o, 0, 1, 0), 100, 2000)
		b := rows(t, o, NewGenerator(o, 0, 1, 0), 333, 2000)
		if len(a) != 2000 || !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: two generators differ (or %d rows)", typ, len(a))
		}
	}
}

func TestSeedChangesData(t *testing.T) {
	o := mustOptions(t, "nexmark.table.type", "bid")
	s := mustOptions(t, "nexmark.table.type", "bid", "nexmark.seed", "7")
	a := rows(t, o, NewGenerator(o, 0, 1, 0), 100, 100)
	b := rows(t, s, NewGenerator(s, 0, 1, 0), 100, 100)
	c := rows(t, s, NewGenerator(s, 0, 1, 0), 100, 100)
	if reflect.DeepEqual(a, b) || !reflect.DeepEqual(b, c) {
		t.Fatal("nexmark.seed should change the rows, deterministically")
	}
}

func TestResume(t *testing.T) {
	for _, typ := range []string{"Bid", "Auction", ""} {
		o := mustOptions(t, "nexmark.table.type", typ)
		all := rows(t, o, NewGenerator(o, 1, 3, 0), 64, 1000)
		g := NewGenerator(o, 1, 3, 0)
		c := types.NewChunk(len(Columns(o)), 500)
		pos, _ := g.Next(c, 500)
		if pos != 500 {
			t.Fatalf("position %d after 500 rows", pos)
		}
		rest := rows(t, o, NewGenerator(o, 1, 3, pos), 64, 500)
		if !reflect.DeepEqual(all[500:], rest) {
			t.Fatalf("%s: resuming at 500 differs", typ)
		}
	}
}

// Splits partition the events: split i of n takes the i-th, (i+n)-th... event of the type, and
// each is the same event a single split would generate.
func TestSplitsPartition(t *testing.T) {
	for _, typ := range []string{"Bid", "Person", ""} {
		o := mustOptions(t, "nexmark.table.type", typ, "nexmark.event.num", "5000")
		single := NewGenerator(o, 0, 1, 0)
		want := map[int64]Event{}
		for {
			n := single.EventNumber()
			var e Event
			if !single.NextEvent(&e) {
				break
			}
			want[n] = e
		}
		seen := map[int64]bool{}
		for s := range 3 {
			g := NewGenerator(o, s, 3, 0)
			for {
				n := g.EventNumber()
				var e Event
				if !g.NextEvent(&e) {
					break
				}
				if seen[n] {
					t.Fatalf("%s: event %d in two splits", typ, n)
				}
				seen[n] = true
				if w, ok := want[n]; !ok || !reflect.DeepEqual(w, e) {
					t.Fatalf("%s: split %d event %d differs from the single split's", typ, s, n)
				}
			}
		}
		if len(seen) != len(want) {
			t.Fatalf("%s: splits made %d events, one split %d", typ, len(seen), len(want))
		}
	}
}

func TestEventNumBounds(t *testing.T) {
	o := mustOptions(t, "nexmark.event.num", "1000", "nexmark.split.num", "2")
	total := 0
	for s := range 2 {
		total += len(rows(t, o, NewGenerator(o, s, 2, 0), 128, 1<<20))
	}
	if total != 1000 {
		t.Fatalf("combined: %d rows for event.num 1000", total)
	}
	// event.num counts every type: 1000 events hold 20 cycles of 46 bids.
	b := mustOptions(t, "nexmark.table.type", "Bid", "nexmark.event.num", "1000")
	g := NewGenerator(b, 0, 1, 0)
	if n := len(rows(t, b, g, 128, 1<<20)); n != 920 {
		t.Fatalf("bids: %d rows for event.num 1000, want 920", n)
	}
	c := types.NewChunk(len(Columns(b)), 8)
	if pos, done := g.Next(c, 8); !done || c.Len() != 0 || pos != 920 {
		t.Fatalf("after the end: pos %d done %v rows %d", pos, done, c.Len())
	}
}

func TestProportions(t *testing.T) {
	o := mustOptions(t)
	g := NewGenerator(o, 0, 1, 0)
	var counts [3]int
	var e Event
	for range 50_000 {
		g.NextEvent(&e)
		counts[e.Type]++
	}
	if counts != [3]int{1000, 3000, 46000} {
		t.Fatalf("person/auction/bid counts %v, want 1:3:46", counts)
	}
}

// TestRelationships checks the model over a combined stream: ids refer to people and auctions
// that exist (or are at most the configured lead ahead), values are in range, time moves forward.
func TestRelationships(t *testing.T) {
	o := mustOptions(t)
	g := NewGenerator(o, 0, 1, 0)
	lastPerson, lastAuction := int64(-1), int64(-1)
	prevTime := int64(0)
	hotAuctions, bids := 0, 0
	var e Event
	for n := int64(0); n < 200_000; n++ {
		g.NextEvent(&e)
		var at int64
		switch e.Type {
		case Person:
			p := e.Person
			if p.ID != lastPerson+1 && lastPerson >= 0 || p.ID < 1000 {
				t.Fatalf("event %d: person id %d after %d", n, p.ID, lastPerson)
			}
			lastPerson, at = p.ID, p.DateTime
			if len(p.CreditCard) != 19 || p.Name == "" || len(p.State) != 2 {
				t.Fatalf("event %d: bad person %+v", n, p)
			}
		case Auction:
			a := e.Auction
			if a.ID != lastAuction+1 && lastAuction >= 0 || a.ID < 1000 {
				t.Fatalf("event %d: auction id %d after %d", n, a.ID, lastAuction)
			}
			lastAuction, at = a.ID, a.DateTime
			if a.Seller < 1000 || a.Seller > lastPerson+o.PersonIDLead {
				t.Fatalf("event %d: seller %d, last person %d", n, a.Seller, lastPerson)
			}
			if a.InitialBid <= 0 || a.Reserve < a.InitialBid || a.Expires <= a.DateTime ||
				a.Category < 10 || a.Category >= 15 || len(a.ItemName) != 20 {
				t.Fatalf("event %d: bad auction %+v", n, a)
			}
		case Bid:
			b := e.Bid
			bids++
			if b.Auction < 1000 || b.Auction > lastAuction+o.AuctionIDLead {
				t.Fatalf("event %d: bid on auction %d, last auction %d", n, b.Auction, lastAuction)
			}
			if b.Auction%100 == 0 {
				hotAuctions++
			}
			if b.Bidder < 1000 || b.Bidder > lastPerson+o.PersonIDLead {
				t.Fatalf("event %d: bidder %d, last person %d", n, b.Bidder, lastPerson)
			}
			if b.Price <= 0 || b.Price > 100_000_000 || b.Channel == "" || b.URL == "" {
				t.Fatalf("event %d: bad bid %+v", n, b)
			}
			at = b.DateTime
		}
		if at < prevTime || at != BaseTime+(n+5)/10 {
			t.Fatalf("event %d at %d after %d (10k events/s from the base time, rounded)", n, at, prevTime)
		}
		prevTime = at
	}
	// Half the bids go to the hot auction (the first of each 100): allow for the random half.
	if f := float64(hotAuctions) / float64(bids); f < 0.45 || f > 0.6 {
		t.Fatalf("hot auction share %.2f", f)
	}
}

func TestRowTypesMatchColumns(t *testing.T) {
	for _, typ := range []string{"Bid", "Person", "Auction", ""} {
		o := mustOptions(t, "nexmark.table.type", typ)
		cols := Columns(o)
		c := types.NewChunk(len(cols), 200)
		c.Ops = []types.Op{} // a chunk that carries ops gets them too
		NewGenerator(o, 0, 1, 0).Next(c, 200)
		if c.Len() != 200 || len(c.Ops) != 200 {
			t.Fatalf("%s: %d rows, %d ops", typ, c.Len(), len(c.Ops))
		}
		for j, col := range cols {
			if len(c.Cols[j]) != 200 {
				t.Fatalf("%s: column %s has %d values", typ, col.Name, len(c.Cols[j]))
			}
			nonNull := 0
			for _, d := range c.Cols[j] {
				if d.IsNull() {
					continue
				}
				nonNull++
				if d.Type() != col.Type {
					t.Fatalf("%s: column %s holds %s, declared %s", typ, col.Name, d.Type(), col.Type)
				}
			}
			if nonNull == 0 {
				t.Fatalf("%s: column %s is all NULL", typ, col.Name)
			}
		}
	}
}
