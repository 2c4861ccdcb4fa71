package nexmark

import (
	"math/bits"
	"strconv"
	"sync"
)

// The word lists of nexmark-rs's default config (those of the Beam generator, lower-cased).
var (
	usStates   = []string{"az", "ca", "id", "or", "wa", "wy"}
	usCities   = []string{"phoenix", "los angeles", "san francisco", "boise", "portland", "bend", "redmond", "seattle", "kent", "cheyenne"}
	firstNames = []string{"peter", "paul", "luke", "john", "saul", "vicky", "kate", "julie", "sarah", "deiter", "walter"}
	lastNames  = []string{"shultz", "abrams", "spencer", "white", "bartels", "walton", "smith", "jones", "noris"}
	// fullNames[i*len(lastNames)+j] is "first last", built once so a person's name costs nothing.
	fullNames   = buildNames()
	hotChannels = []string{"Google", "Facebook", "Baidu", "Apple"}
	hotURLs     = []string{baseURL(0), baseURL(1), baseURL(2), baseURL(3)}
)

func buildNames() []string {
	out := make([]string, 0, len(firstNames)*len(lastNames))
	for _, f := range firstNames {
		for _, l := range lastNames {
			out = append(out, f+" "+l)
		}
	}
	return out
}

// baseURL is nexmark-rs get_base_url: three short random path segments, with '_' sprinkled in.
func baseURL(seed uint64) string {
	r := seedRng(seed)
	b := []byte("https://www.nexmark.com/")
	for i := range 3 {
		if i > 0 {
			b = append(b, '/')
		}
		n := 3 + r.below64(2) // gen_range(3..5) on usize
		for range n {
			if r.below32(13) == 0 {
				b = append(b, '_')
			} else {
				b = append(b, r.letter())
			}
		}
	}
	return string(append(b, "/item.htm?query=1"...))
}

const numChannels = 10_000

var (
	channelsOnce sync.Once
	channels     []string // channel-i
	channelURLs  []string
)

// channelTable is nexmark-rs CHANNEL_URL_MAP: 10,000 cold channels, most of whose URLs carry a
// channel_id. Built on first use (a few milliseconds), then shared: a bid's channel and url are
// just references into it.
func channelTable() ([]string, []string) {
	channelsOnce.Do(func() {
		channels = make([]string, numChannels)
		channelURLs = make([]string, numChannels)
		for i := range numChannels {
			url := baseURL(uint64(i))
			r := seedRng(uint64(i))
			if r.below32(10) > 0 {
				id := int64(int32(bits.Reverse32(uint32(i))))
				url += "&channel_id=" + strconv.FormatInt(max(id, -id), 10)
			}
			channels[i] = "channel-" + strconv.Itoa(i)
			channelURLs[i] = url
		}
	})
	return channels, channelURLs
}
