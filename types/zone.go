package types

import (
	"strings"
	"sync"
	"time"

	// Zone rules are compiled in so that timestamptz behaves the same on hosts without tzdata.
	_ "time/tzdata"

	"github.com/runnel-db/runnel/pgerr"
)

var zoneCache sync.Map // string -> *time.Location

// LoadZone resolves a TimeZone setting or a zone named in timestamptz input: an IANA name
// ("America/New_York", case as in the tz database), UTC/GMT/Z, or a fixed offset like "+05:30".
// Results are cached because time.LoadLocation reads and parses a file each call.
func LoadZone(name string) (*time.Location, error) {
	if l, ok := zoneCache.Load(name); ok {
		return l.(*time.Location), nil
	}
	loc, err := loadZone(name)
	if err != nil {
		return nil, err
	}
	zoneCache.Store(name, loc)
	return loc, nil
}

func loadZone(name string) (*time.Location, error) {
	lower := strings.ToLower(name)
	if off, ok := zoneAbbrevs[lower]; ok {
		if off == 0 {
			return time.UTC, nil
		}
		return time.FixedZone(strings.ToUpper(name), off), nil
	}
	if len(lower) > 4 && (lower[:3] == "gmt" || lower[:3] == "utc") && (lower[3] == '+' || lower[3] == '-') {
		// POSIX offsets count west of Greenwich: GMT+3 is three hours behind UTC.
		if off, ok := parseOffset(lower[3:]); ok {
			return time.FixedZone(strings.ToUpper(name), -off), nil
		}
	}
	if lower == "local" || name == "" {
		return nil, errZone(name)
	}
	if name[0] == '+' || name[0] == '-' {
		if off, ok := parseOffset(name); ok {
			return time.FixedZone("", off), nil
		}
		return nil, errZone(name)
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc, nil
	}
	// PostgreSQL matches zone names case-insensitively; the tz database is mixed case.
	if canon, ok := canonicalZoneName(name); ok {
		if loc, err := time.LoadLocation(canon); err == nil {
			return loc, nil
		}
	}
	return nil, errZone(name)
}

// canonicalZoneName capitalises each part of a zone name the way most tz database names are
// written ("america/new_york" -> "America/New_York").
func canonicalZoneName(name string) (string, bool) {
	b := []byte(strings.ToLower(name))
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	return string(b), string(b) != name
}

func errZone(name string) error {
	return pgerr.New(pgerr.InvalidParameterValue, "time zone \"%s\" not recognized", name)
}

// zoneAbbrevs holds the common abbreviations of PostgreSQL's Default timezone_abbreviations set, as
// offsets east of UTC in seconds.
var zoneAbbrevs = map[string]int{
	"utc": 0, "gmt": 0, "z": 0, "zulu": 0, "ut": 0, "uct": 0,
	"est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600,
	"mst": -7 * 3600, "mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600,
	"akst": -9 * 3600, "akdt": -8 * 3600, "hst": -10 * 3600,
	"wet": 0, "west": 3600, "bst": 3600, "cet": 3600, "cest": 2 * 3600, "met": 3600, "mest": 2 * 3600,
	"eet": 2 * 3600, "eest": 3 * 3600, "msk": 3 * 3600,
	"jst": 9 * 3600, "kst": 9 * 3600, "hkt": 8 * 3600, "awst": 8 * 3600,
	"acst": 9*3600 + 1800, "aest": 10 * 3600, "aedt": 11 * 3600, "nzst": 12 * 3600, "nzdt": 13 * 3600,
}

// parseOffset reads [+-]h, [+-]hh, [+-]hhmm, [+-]hh:mm or [+-]hh:mm:ss as seconds east of UTC.
func parseOffset(s string) (int, bool) {
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	neg := s[0] == '-'
	parts := strings.Split(s[1:], ":")
	var h, m, sec int
	var ok bool
	switch {
	case len(parts) == 1 && len(parts[0]) <= 2:
		h, ok = atoiAll(parts[0])
	case len(parts) == 1 && len(parts[0]) == 4:
		h, ok = atoiAll(parts[0][:2])
		if ok {
			m, ok = atoiAll(parts[0][2:])
		}
	case len(parts) == 2 || len(parts) == 3:
		h, ok = atoiAll(parts[0])
		if ok {
			m, ok = atoiAll(parts[1])
		}
		if ok && len(parts) == 3 {
			sec, ok = atoiAll(parts[2])
		}
	}
	if !ok || h > 15 || m > 59 || sec > 59 {
		return 0, false
	}
	off := h*3600 + m*60 + sec
	if neg {
		off = -off
	}
	return off, true
}

// atoiAll parses a non-empty string of ASCII digits (at most 9).
func atoiAll(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
