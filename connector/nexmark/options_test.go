package nexmark

import (
	"strings"
	"testing"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

func TestParseOptions(t *testing.T) {
	o := mustOptions(t)
	if o.Type != AllEvents || o.EventNum != -1 || o.SplitNum != 1 || o.MinEventGapNs != 100_000 ||
		o.MaxChunkSize != 1024 || o.BaseTime != BaseTime || o.Config != DefaultConfig {
		t.Fatalf("defaults: %+v", o)
	}
	o = mustOptions(t, "nexmark.table.type", "BID", "nexmark.event.num", "10000000", "nexmark.split.num", "2",
		"nexmark.min.event.gap.in.ns", "0", "nexmark.max.chunk.size", "256", "nexmark.seed", "3",
		"nexmark.base.time", "1700000000000", "nexmark.avg.bid.byte.size", "200", "nexmark.rate.shape", "sine")
	if o.Type != Bid || o.EventNum != 10_000_000 || o.SplitNum != 2 || o.MinEventGapNs != 0 || o.MaxChunkSize != 256 ||
		o.Seed != 3 || o.BaseTime != 1_700_000_000_000 || o.AvgBidSize != 200 {
		t.Fatalf("parsed: %+v", o)
	}
	for _, tc := range []struct{ key, value, code, has string }{
		{"nexmark.tabel.type", "Bid", pgerr.InvalidParameterValue, `unknown option "nexmark.tabel.type"`},
		{"nexmark.table.type", "Seller", pgerr.InvalidParameterValue, `"nexmark.table.type"`},
		{"nexmark.event.num", "many", pgerr.InvalidParameterValue, `"nexmark.event.num"`},
		{"nexmark.event.num", "-2", pgerr.InvalidParameterValue, `"nexmark.event.num"`},
		{"nexmark.split.num", "0", pgerr.InvalidParameterValue, `"nexmark.split.num"`},
		{"nexmark.min.event.gap.in.ns", "-1", pgerr.InvalidParameterValue, `"nexmark.min.event.gap.in.ns"`},
		{"nexmark.max.chunk.size", "0", pgerr.InvalidParameterValue, `"nexmark.max.chunk.size"`},
		{"nexmark.hot.auction.ratio", "0", pgerr.InvalidParameterValue, `"nexmark.hot.auction.ratio"`},
		{"nexmark.use.real.time", "maybe", pgerr.InvalidParameterValue, `"nexmark.use.real.time"`},
		{"nexmark.us.states", "ca", pgerr.FeatureNotSupported, `"nexmark.us.states"`},
	} {
		_, err := ParseOptions(map[string]string{"connector": "nexmark", tc.key: tc.value})
		if err == nil || pgerr.Code(err) != tc.code || !strings.Contains(err.Error(), tc.has) {
			t.Errorf("%s = %q: got %v (%s), want %s naming %s", tc.key, tc.value, err, pgerr.Code(err), tc.code, tc.has)
		}
	}
}

func TestColumns(t *testing.T) {
	bid := mustOptions(t, "nexmark.table.type", "Bid")
	got := describe(Columns(bid))
	want := "(auction bigint, bidder bigint, price bigint, channel character varying, url character varying, " +
		"date_time timestamp without time zone, extra character varying)"
	if got != want {
		t.Fatalf("bid columns %s", got)
	}
	all := Columns(mustOptions(t))
	if len(all) != 26 || all[0].Name != "event_type" || all[1].Name != "person_id" || all[9].Name != "auction_id" ||
		all[19].Name != "bid_auction" || all[25].Name != "bid_extra" {
		t.Fatalf("combined columns %s", describe(all))
	}
	if err := CheckColumns(bid, nil); err != nil {
		t.Fatal(err)
	}
	declared := Columns(bid)
	declared[0].Name = "AUCTION"
	if err := CheckColumns(bid, declared); err != nil {
		t.Fatal(err)
	}
	declared[2].Type = types.Int32
	if err := CheckColumns(bid, declared); pgerr.Code(err) != pgerr.DatatypeMismatch {
		t.Fatalf("price int: %v", err)
	}
	if err := CheckColumns(bid, Columns(bid)[:6]); err == nil {
		t.Fatal("a missing column was accepted")
	}
}
