package format

import (
	"testing"

	"github.com/runnel-db/runnel/types"
)

// Words whose value depends on the moment of decoding are refused: a record must decode the same
// way when it is read again after a crash.
func TestRelativeTimeWordsRefused(t *testing.T) {
	for _, typ := range []types.Type{types.Timestamp, types.Timestamptz, types.Date} {
		for _, word := range []string{"now", "today", "Yesterday", " tomorrow "} {
			d := NewDecoder([]Column{{Name: "t", Type: typ}})
			if _, err := d.Decode([]byte(`{"t": "`+word+`"}`), nil); err == nil {
				t.Errorf("%s %q decoded", typ, word)
			}
		}
		d := NewDecoder([]Column{{Name: "t", Type: typ}})
		if _, err := d.Decode([]byte(`{"t": "2024-01-02 03:04:05"}`), nil); err != nil {
			t.Errorf("%s: a fixed time failed: %v", typ, err)
		}
	}
}
