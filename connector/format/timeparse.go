package format

import "github.com/runnel-db/runnel/types"

// The fast paths below read the timestamp forms producers actually send (RFC 3339 and PostgreSQL's
// ISO output) without allocating. Anything else, or anything unusual in these forms (24:00:00, leap
// seconds, BC years), returns !ok and goes to types.ParseText, which knows all of PostgreSQL's input
// syntax.

// parseDate reads YYYY-MM-DD into days since 1970-01-01.
func parseDate(b []byte) (int64, bool) {
	if len(b) != 10 {
		return 0, false
	}
	return ymd(b)
}

func ymd(b []byte) (int64, bool) {
	if b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	y, ok1 := digits(b[0:4])
	m, ok2 := digits(b[5:7])
	d, ok3 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return types.DaysFromCivil(int64(y), m, d), true
}

// parseTimestamp reads YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH[:MM]] into microseconds since the
// epoch. With zone false (timestamp without time zone) an offset is ignored, as PostgreSQL does.
func parseTimestamp(b []byte, zone bool) (int64, bool) {
	if len(b) < 19 || (b[10] != 'T' && b[10] != ' ' && b[10] != 't') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	days, ok := ymd(b[:10])
	if !ok {
		return 0, false
	}
	h, ok1 := digits(b[11:13])
	mi, ok2 := digits(b[14:16])
	sec, ok3 := digits(b[17:19])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || sec > 59 {
		return 0, false
	}
	us := int64(0)
	i := 19
	if i < len(b) && b[i] == '.' {
		i++
		n := 0
		scale := int64(100000)
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			if n < 6 {
				us += int64(b[i]-'0') * scale
				scale /= 10
			} else if n == 6 && b[i] >= '5' {
				us++ // PostgreSQL rounds to the microsecond
			}
			n++
			i++
		}
		if n == 0 {
			return 0, false
		}
	}
	off := int64(0)
	if i < len(b) {
		if b[i] == ' ' && i+1 < len(b) {
			i++ // "2024-01-01 00:00:00 +00:00"
		}
		switch b[i] {
		case 'Z', 'z':
			i++
		case '+', '-':
			o, n, ok := offset(b[i:])
			if !ok {
				return 0, false
			}
			off = o
			i += n
		default:
			return 0, false
		}
	}
	if i != len(b) {
		return 0, false
	}
	t := days*types.MicrosPerDay + int64(h)*types.MicrosPerHour + int64(mi)*types.MicrosPerMinute +
		int64(sec)*types.MicrosPerSecond + us
	if zone {
		t -= off * types.MicrosPerSecond
	}
	return t, true
}

// offset reads ±HH, ±HHMM or ±HH:MM, returning seconds east of UTC and the bytes read.
func offset(b []byte) (int64, int, bool) {
	sign := int64(1)
	if b[0] == '-' {
		sign = -1
	}
	b = b[1:]
	if len(b) < 2 {
		return 0, 0, false
	}
	h, ok := digits(b[:2])
	if !ok || h > 15 {
		return 0, 0, false
	}
	m, n := 0, 3
	switch {
	case len(b) == 2:
	case len(b) == 4:
		if m, ok = digits(b[2:4]); !ok {
			return 0, 0, false
		}
		n = 5
	case len(b) == 5 && b[2] == ':':
		if m, ok = digits(b[3:5]); !ok {
			return 0, 0, false
		}
		n = 6
	default:
		return 0, 0, false
	}
	if m > 59 {
		return 0, 0, false
	}
	return sign * int64(h*3600+m*60), n, true
}

func digits(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
