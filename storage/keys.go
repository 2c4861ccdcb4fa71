package storage

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// TableID is the 4-byte prefix of every key of a table. IDs are allocated by
// the catalog; storage only needs them to be distinct.
type TableID uint32

// SystemTable holds the catalog, source offsets and the committed epoch.
const SystemTable TableID = 0

// maxTableID is reserved: every usable table must have a successor prefix so
// that "the end of table t" is a finite key (the start of table t+1), which
// DeleteRange needs.
const maxTableID TableID = math.MaxUint32

const prefixLen = 4

// epochKey is where Commit records the committed epoch inside SystemTable.
// SystemKey escapes NUL bytes, so no SystemKey call can produce a key that
// starts with "\x00"; the epoch can therefore never collide with a
// catalog or offset entry.
var epochKey = []byte("\x00meta/committed_epoch")

func checkTable(t TableID) {
	if t == maxTableID {
		panic(fmt.Sprintf("storage: table id %d is reserved", t))
	}
}

// appendPrefix appends t's 4-byte prefix to dst.
func appendPrefix(dst []byte, t TableID) []byte {
	return binary.BigEndian.AppendUint32(dst, uint32(t))
}

// appendKey appends the Pebble key of (t, key) to dst.
func appendKey(dst []byte, t TableID, key []byte) []byte {
	return append(appendPrefix(dst, t), key...)
}

// tableBounds returns the Pebble bounds of [lo, hi) inside table t in one
// allocation. nil lo means the table's first key, nil hi its end (the prefix
// of table t+1).
func tableBounds(t TableID, lo, hi []byte) (lower, upper []byte) {
	checkTable(t)
	buf := make([]byte, 0, 2*prefixLen+len(lo)+len(hi))
	buf = appendKey(buf, t, lo)
	lower = buf[:len(buf):len(buf)]
	if hi == nil {
		upper = appendPrefix(buf[len(buf):], t+1)
	} else {
		upper = appendKey(buf[len(buf):], t, hi)
	}
	return lower, upper
}

// SystemKey builds a key of SystemTable from path parts, joined by '/', e.g.
// SystemKey("catalog", "42") or SystemKey("offset", source, split). A '/', '%' or
// NUL inside a part is escaped (as %2F, %25, %00) so that distinct part lists
// never produce the same key: source "a/b" split "c" differs from source "a"
// split "b/c". Parts without those characters come out verbatim, keeping keys
// readable in debugging tools, and the keys of one prefix stay contiguous so
// SystemPrefix + PrefixEnd scans them.
func SystemKey(parts ...string) []byte {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('/')
		}
		for j := 0; j < len(p); j++ {
			switch c := p[j]; c {
			case '/':
				b.WriteString("%2F")
			case '%':
				b.WriteString("%25")
			case 0:
				b.WriteString("%00")
			default:
				b.WriteByte(c)
			}
		}
	}
	return []byte(b.String())
}

// SystemPrefix is SystemKey(parts...) followed by '/': the prefix of every key
// nested under parts. Scan it with NewIter(SystemTable, p, PrefixEnd(p)).
func SystemPrefix(parts ...string) []byte {
	return append(SystemKey(parts...), '/')
}

// PrefixEnd returns the smallest key greater than every key that starts with
// prefix, for use as an exclusive upper bound. It returns nil (no bound) when
// prefix is empty or all 0xff.
func PrefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}
