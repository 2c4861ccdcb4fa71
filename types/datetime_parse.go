package types

import (
	"math"
	"strings"
	"time"

	"github.com/runnel-db/runnel/pgerr"
)

// dtInput is what the date/time input functions gathered from a string, in the spirit of
// PostgreSQL's ParseDateTime/DecodeDateTime but covering the forms clients actually send: ISO 8601
// (with T and Z), YYYY/MM/DD, MDY with slashes, month names, YYYYMMDD, BC/AD, AM/PM, numeric
// offsets, zone abbreviations and IANA names.
type dtInput struct {
	hasDate bool
	year    int64
	mon     int
	day     int
	bc      bool

	hasTime bool
	tod     int64 // micros since midnight, may be 24:00:00 or include a leap second

	hasZone bool
	zoneOff int            // seconds east of UTC, when zoneLoc is nil
	zoneLoc *time.Location // a named zone whose offset depends on the date

	special string // epoch, infinity, -infinity, now, today, tomorrow, yesterday, allballs
}

type dtErr int

const (
	dtOK dtErr = iota
	dtBadFormat
	dtFieldOverflow
	dtBadZone
	dtBadOffset
)

func parseDateTimeInput(s string, forTime bool) (dtInput, dtErr, string) {
	var in dtInput
	v := trimSpace(s)
	switch lower := strings.ToLower(v); lower {
	case "epoch", "infinity", "+infinity", "-infinity", "now", "today", "tomorrow", "yesterday", "allballs":
		in.special = strings.TrimPrefix(lower, "+")
		return in, dtOK, ""
	}
	if v == "" {
		return in, dtBadFormat, ""
	}
	var (
		monthByName bool
		numbers     []string // bare numbers, resolved once the month is known
		ampm        int      // 0 none, 1 am, 2 pm
	)
	i := 0
	for i < len(v) {
		c := v[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			i++
		case isDigit(c):
			j := i
			for j < len(v) && isDigit(v[j]) {
				j++
			}
			switch {
			case j < len(v) && v[j] == ':':
				for j < len(v) && (isDigit(v[j]) || v[j] == ':' || v[j] == '.') {
					j++
				}
				if in.hasTime {
					return in, dtBadFormat, ""
				}
				tod, e := parseClock(v[i:j])
				if e != dtOK {
					return in, e, ""
				}
				in.hasTime, in.tod = true, tod
			case j < len(v) && (v[j] == '-' || v[j] == '/' || v[j] == '.') && j+1 < len(v) && isAlnum(v[j+1]) && isDateField(v, i):
				for j < len(v) && (isDigit(v[j]) || v[j] == '-' || v[j] == '/' || v[j] == '.' || (isLetter(v[j]) && !isISOTimeSep(v, j))) {
					j++
				}
				if in.hasDate {
					return in, dtBadFormat, ""
				}
				if e := in.decodeDateField(v[i:j]); e != dtOK {
					return in, e, ""
				}
			case j-i == 6 && !in.hasTime && (forTime || in.hasDate):
				// hhmmss, as PostgreSQL reads a six-digit field where a time is expected.
				h, _ := atoiAll(v[i : i+2])
				m, _ := atoiAll(v[i+2 : i+4])
				sec, _ := atoiAll(v[i+4 : j])
				if h > 24 || m > 59 || sec > 60 {
					return in, dtFieldOverflow, ""
				}
				in.hasTime, in.tod = true, int64(h)*MicrosPerHour+int64(m)*MicrosPerMinute+int64(sec)*MicrosPerSecond
			case j-i == 8 && !in.hasDate && !monthByName:
				f := v[i:j]
				y, _ := atoiAll(f[:4])
				m, _ := atoiAll(f[4:6])
				d, _ := atoiAll(f[6:])
				in.hasDate, in.year, in.mon, in.day = true, int64(y), m, d
			default:
				numbers = append(numbers, v[i:j])
			}
			i = j
		case c == '+' || c == '-':
			j := i + 1
			for j < len(v) && (isDigit(v[j]) || v[j] == ':') {
				j++
			}
			off, ok := parseOffset(v[i:j])
			if !ok || in.hasZone {
				if h, isNum := atoiAll(strings.SplitN(v[i+1:j], ":", 2)[0]); isNum && len(v[i+1:j]) <= 2 && h > 15 {
					return in, dtBadOffset, ""
				}
				return in, dtBadFormat, ""
			}
			in.hasZone, in.zoneOff = true, off
			i = j
		case isLetter(c):
			if isISOTimeSep(v, i) {
				i++
				continue
			}
			j := i
			for j < len(v) && (isLetter(v[j]) || v[j] == '/' || v[j] == '_' || (j > i && isDigit(v[j]))) {
				j++
			}
			// POSIX-style GMT+3 and Etc/GMT+3 keep their sign as part of the name.
			if j+1 < len(v) && (v[j] == '+' || v[j] == '-') && isDigit(v[j+1]) && j-i >= 3 &&
				(strings.EqualFold(v[j-3:j], "gmt") || strings.EqualFold(v[j-3:j], "utc")) {
				j++
				for j < len(v) && isDigit(v[j]) {
					j++
				}
			}
			word := v[i:j]
			lw := strings.ToLower(word)
			i = j
			if m, ok := monthNames[lw]; ok {
				if in.hasDate || monthByName {
					return in, dtBadFormat, ""
				}
				monthByName, in.mon = true, m
				continue
			}
			if weekdayNames[lw] {
				continue
			}
			switch lw {
			case "am", "a.m.":
				ampm = 1
				continue
			case "pm", "p.m.":
				ampm = 2
				continue
			case "bc":
				in.bc = true
				continue
			case "ad":
				continue
			}
			if in.hasZone {
				return in, dtBadFormat, ""
			}
			if off, ok := zoneAbbrevs[lw]; ok {
				in.hasZone, in.zoneOff = true, off
				continue
			}
			loc, err := LoadZone(word)
			if err != nil {
				if strings.Contains(word, "/") {
					return in, dtBadZone, word
				}
				return in, dtBadFormat, ""
			}
			in.hasZone, in.zoneLoc = true, loc
		default:
			return in, dtBadFormat, ""
		}
	}
	if monthByName {
		if e := in.resolveNamedMonth(numbers); e != dtOK {
			return in, e, ""
		}
	} else if len(numbers) > 0 {
		return in, dtBadFormat, ""
	}
	if ampm != 0 {
		if !in.hasTime {
			return in, dtBadFormat, ""
		}
		h := in.tod / MicrosPerHour
		if h > 12 || h == 0 {
			return in, dtFieldOverflow, ""
		}
		if ampm == 2 && h < 12 {
			in.tod += 12 * MicrosPerHour
		} else if ampm == 1 && h == 12 {
			in.tod -= 12 * MicrosPerHour
		}
	}
	if in.hasDate {
		if in.year == 0 && !in.bc {
			return in, dtFieldOverflow, ""
		}
		if in.bc {
			if in.year == 0 {
				return in, dtFieldOverflow, ""
			}
			in.year = 1 - in.year
		}
		if in.mon < 1 || in.mon > 12 || in.day < 1 || in.day > daysInMonth(in.year, in.mon) {
			return in, dtFieldOverflow, ""
		}
	}
	return in, dtOK, ""
}

// decodeDateField reads Y-M-D (first part of three or more digits), M/D/Y (DateStyle MDY), or either
// with a month name in place of a number.
func (in *dtInput) decodeDateField(f string) dtErr {
	parts := strings.FieldsFunc(f, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
	if len(parts) != 3 {
		return dtBadFormat
	}
	named := -1
	for k, p := range parts {
		if isLetter(p[0]) {
			m, ok := monthNames[strings.ToLower(p)]
			if !ok || named >= 0 {
				return dtBadFormat
			}
			named, in.mon = k, m
		} else if _, ok := atoiAll(p); !ok {
			return dtBadFormat
		}
	}
	num := func(k int) int { n, _ := atoiAll(parts[k]); return n }
	in.hasDate = true
	switch {
	case named == 1: // 2024-Jan-05 or 05-Jan-2024
		if len(parts[0]) >= 3 {
			in.year, in.day = in.twoDigitYear(parts[0]), num(2)
		} else {
			in.day, in.year = num(0), in.twoDigitYear(parts[2])
		}
	case named == 0: // Jan-05-2024
		in.day, in.year = num(1), in.twoDigitYear(parts[2])
	case named == 2:
		return dtBadFormat
	case len(parts[0]) >= 3:
		in.year, in.mon, in.day = in.twoDigitYear(parts[0]), num(1), num(2)
	default:
		in.mon, in.day, in.year = num(0), num(1), in.twoDigitYear(parts[2])
	}
	return dtOK
}

// resolveNamedMonth assigns the bare numbers of "Jan 5 2024", "5 Jan 2024" or "January 5, 24".
func (in *dtInput) resolveNamedMonth(numbers []string) dtErr {
	if in.hasDate || len(numbers) != 2 {
		return dtBadFormat
	}
	a, b := numbers[0], numbers[1]
	if len(a) >= 3 {
		a, b = b, a
	}
	d, ok := atoiAll(a)
	if !ok || len(a) > 2 {
		return dtBadFormat
	}
	in.hasDate, in.day, in.year = true, d, in.twoDigitYear(b)
	return dtOK
}

// twoDigitYear reads a year, mapping a two-digit year to 1970..2069 as PostgreSQL does.
func (in *dtInput) twoDigitYear(s string) int64 {
	y, _ := atoiAll(s)
	if len(s) <= 2 && !in.bc {
		if y < 70 {
			y += 2000
		} else {
			y += 1900
		}
	}
	return int64(y)
}

// parseClock reads h:mm, h:mm:ss or h:mm:ss.ffffff (the fraction rounded to microseconds).
func parseClock(f string) (int64, dtErr) {
	parts := strings.Split(f, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, dtBadFormat
	}
	h, ok1 := atoiAll(parts[0])
	m, ok2 := atoiAll(parts[1])
	if !ok1 || !ok2 {
		return 0, dtBadFormat
	}
	var sec, frac int64
	if len(parts) == 3 {
		sp := parts[2]
		fp := ""
		if k := strings.IndexByte(sp, '.'); k >= 0 {
			sp, fp = sp[:k], sp[k+1:]
		}
		s, ok := atoiAll(sp)
		if !ok {
			return 0, dtBadFormat
		}
		sec = int64(s)
		if fp != "" {
			fr, ok := parseFraction(fp)
			if !ok {
				return 0, dtBadFormat
			}
			frac = fr
		}
	} else if strings.Contains(parts[1], ".") {
		return 0, dtBadFormat
	}
	if m > 59 || sec > 60 || h > 24 {
		return 0, dtFieldOverflow
	}
	tod := int64(h)*MicrosPerHour + int64(m)*MicrosPerMinute + sec*MicrosPerSecond + frac
	if tod > MicrosPerDay {
		return 0, dtFieldOverflow
	}
	return tod, dtOK
}

// parseFraction reads the digits after a decimal point as microseconds, rounding half to even as
// PostgreSQL's rint does.
func parseFraction(fp string) (int64, bool) {
	if fp == "" {
		return 0, true
	}
	f := 0.0
	scale := 1.0
	for i := 0; i < len(fp); i++ {
		if !isDigit(fp[i]) {
			return 0, false
		}
		if i < 15 {
			f = f*10 + float64(fp[i]-'0')
			scale *= 10
		}
	}
	return int64(math.RoundToEven(f / scale * 1e6)), true
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }

// isISOTimeSep reports whether v[i] is the T of ISO 8601 between a date and a time.
func isISOTimeSep(v string, i int) bool {
	return (v[i] == 'T' || v[i] == 't') && i+1 < len(v) && isDigit(v[i+1]) && (i == 0 || isDigit(v[i-1]))
}

// isDateField tells a date such as 2024-01-05 from a number followed by a numeric offset, by
// requiring a second separator or a month name.
func isDateField(v string, i int) bool {
	seps := 0
	for j := i; j < len(v); j++ {
		c := v[j]
		switch {
		case c == '-' || c == '/' || c == '.':
			seps++
		case isDigit(c) || (isLetter(c) && !isISOTimeSep(v, j)):
		default:
			return seps >= 2
		}
	}
	return seps >= 2
}

var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
	"dec": 12, "december": 12,
}

var weekdayNames = map[string]bool{
	"sun": true, "sunday": true, "mon": true, "monday": true, "tue": true, "tues": true, "tuesday": true,
	"wed": true, "wednesday": true, "thu": true, "thur": true, "thurs": true, "thursday": true,
	"fri": true, "friday": true, "sat": true, "saturday": true,
}

func (e dtErr) toError(t Type, s, zone string) error {
	switch e {
	case dtFieldOverflow:
		return errDatetimeField(s)
	case dtBadZone:
		return errZone(strings.ToLower(zone))
	case dtBadOffset:
		return pgerr.New("22009", "time zone displacement out of range: \"%s\"", s)
	}
	return errDatetimeSyntax(t, s)
}

// PostgreSQL's supported ranges: dates from 4714-11-24 BC (Julian day 0) to 5874897 AD, timestamps
// to 294276 AD. Runnel counts timestamp microseconds from 1970 rather than 2000, so its last
// representable timestamp is in 294247 AD, 30 years short of PostgreSQL's.
var (
	minDate      = DaysFromCivil(-4713, 11, 24)
	maxDate      = DaysFromCivil(5874897, 12, 31)
	maxTimestamp = TimestampInfinity - 1
)

func parseDate(s string, loc *time.Location) (Datum, error) {
	in, e, zone := parseDateTimeInput(s, false)
	if e != dtOK {
		return NullDatum, e.toError(Date, s, zone)
	}
	switch in.special {
	case "":
	case "epoch":
		return NewDate(0), nil
	case "infinity":
		return NewDate(DateInfinity), nil
	case "-infinity":
		return NewDate(DateNegInfinity), nil
	case "now", "today", "tomorrow", "yesterday":
		days := TimeToDate(time.Now().In(loc)) + map[string]int64{"tomorrow": 1, "yesterday": -1}[in.special]
		return NewDate(days), nil
	default:
		return NullDatum, errDatetimeSyntax(Date, s)
	}
	if !in.hasDate {
		return NullDatum, errDatetimeSyntax(Date, s)
	}
	days := DaysFromCivil(in.year, in.mon, in.day)
	if days < minDate || days > maxDate {
		return NullDatum, pgerr.New(pgerr.DatetimeFieldOverflow, "date out of range: \"%s\"", s)
	}
	return NewDate(days), nil
}

func parseTime(s string, loc *time.Location) (Datum, error) {
	in, e, zone := parseDateTimeInput(s, true)
	if e != dtOK {
		return NullDatum, e.toError(Time, s, zone)
	}
	switch in.special {
	case "":
	case "allballs":
		return NewTime(0), nil
	case "now":
		t := time.Now().In(loc)
		y, m, d := t.Date()
		return NewTime(TimeToTimestamp(time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)) % MicrosPerDay), nil
	default:
		return NullDatum, errDatetimeSyntax(Time, s)
	}
	if !in.hasTime || in.zoneLoc != nil {
		// A named zone needs a date to have an offset, so PostgreSQL rejects it in a time.
		return NullDatum, errDatetimeSyntax(Time, s)
	}
	return NewTime(in.tod), nil
}

func parseTimestamp(t Type, s string, loc *time.Location) (Datum, error) {
	in, e, zone := parseDateTimeInput(s, false)
	if e != dtOK {
		return NullDatum, e.toError(t, s, zone)
	}
	switch in.special {
	case "":
	case "epoch":
		return NewInt(t, 0), nil
	case "infinity":
		return NewInt(t, TimestampInfinity), nil
	case "-infinity":
		return NewInt(t, TimestampNegInfinity), nil
	case "now":
		now := time.Now()
		if t == Timestamptz {
			return NewTimestamptz(TimeToTimestamp(now)), nil
		}
		_, off := now.In(loc).Zone()
		return NewTimestamp(TimeToTimestamp(now) + int64(off)*MicrosPerSecond), nil
	case "today", "tomorrow", "yesterday":
		days := TimeToDate(time.Now().In(loc)) + map[string]int64{"tomorrow": 1, "yesterday": -1}[in.special]
		in.hasDate, in.hasTime = true, false
		in.year, in.mon, in.day = CivilFromDays(days)
	default:
		return NullDatum, errDatetimeSyntax(t, s)
	}
	if !in.hasDate {
		return NullDatum, errDatetimeSyntax(t, s)
	}
	days := DaysFromCivil(in.year, in.mon, in.day)
	if days < minDate || days > maxTimestamp/MicrosPerDay || days*MicrosPerDay > maxTimestamp-in.tod {
		return NullDatum, pgerr.New(pgerr.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", s)
	}
	local := days*MicrosPerDay + in.tod
	if t == Timestamp {
		return NewTimestamp(local), nil
	}
	var off int
	switch {
	case in.zoneLoc != nil:
		off = zoneOffsetAtLocal(local, in.zoneLoc)
	case in.hasZone:
		off = in.zoneOff
	default:
		off = zoneOffsetAtLocal(local, loc)
	}
	u := local - int64(off)*MicrosPerSecond
	if u > maxTimestamp || u < minDate*MicrosPerDay {
		return NullDatum, pgerr.New(pgerr.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", s)
	}
	return NewTimestamptz(u), nil
}

// zoneOffsetAtLocal returns the UTC offset in loc for a wall-clock time, resolving DST transitions as
// DetermineTimeZoneOffset does: a time in a spring-forward gap takes the offset from before the
// transition, an ambiguous fall-back time the offset from after it. Both are the smaller offset.
func zoneOffsetAtLocal(local int64, loc *time.Location) int {
	if loc == time.UTC {
		return 0
	}
	sec := floorDiv(local, MicrosPerSecond)
	offAt := func(u int64) int { _, o := time.Unix(u, 0).In(loc).Zone(); return o }
	before, after := offAt(sec-SecondsPerDay), offAt(sec+SecondsPerDay)
	if before == after {
		if o := offAt(sec - int64(before)); o != before {
			return o // a transition within the day that came back: trust the instant's own offset
		}
		return before
	}
	okBefore := offAt(sec-int64(before)) == before
	okAfter := offAt(sec-int64(after)) == after
	switch {
	case okBefore && !okAfter:
		return before
	case okAfter && !okBefore:
		return after
	}
	return min(before, after)
}
