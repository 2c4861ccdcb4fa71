package types

import (
	"math"
	"strings"

	"github.com/runnel-db/runnel/pgerr"
)

// intervalAcc accumulates interval fields the way DecodeInterval does: integer parts go to their
// field, fractions spill to smaller units (a month is 30 days, a day 24 hours).
type intervalAcc struct {
	months, days, micros float64
	seen                 map[string]bool // PostgreSQL rejects a unit given twice ("1 day 1 day")
	overflow             bool            // a field out of its range: 22015 rather than a syntax error
}

func (a *intervalAcc) add(unit string, v float64) bool {
	if a.seen[unit] {
		return false
	}
	if a.seen == nil {
		a.seen = map[string]bool{}
	}
	a.seen[unit] = true
	whole := math.Trunc(v)
	frac := v - whole
	switch unit {
	case "microsecond":
		a.micros += math.RoundToEven(v)
	case "millisecond":
		a.micros += math.RoundToEven(v * 1000)
	case "second":
		a.micros += whole*MicrosPerSecond + math.RoundToEven(frac*MicrosPerSecond)
	case "minute":
		a.micros += whole * MicrosPerMinute
		a.fractSeconds(frac, 60)
	case "hour":
		a.micros += whole * MicrosPerHour
		a.fractSeconds(frac, 3600)
	case "day":
		a.days += whole
		a.fractSeconds(frac, SecondsPerDay)
	case "week":
		a.days += whole * 7
		a.fractDays(frac, 7)
	case "month":
		a.months += whole
		a.fractDays(frac, DaysPerMonth)
	case "year":
		a.months += whole*12 + math.RoundToEven(frac*12)
	case "decade":
		a.months += whole*120 + math.RoundToEven(frac*120)
	case "century":
		a.months += whole*1200 + math.RoundToEven(frac*1200)
	case "millennium":
		a.months += whole*12000 + math.RoundToEven(frac*12000)
	default:
		return false
	}
	return true
}

func (a *intervalAcc) fractSeconds(frac, scale float64) {
	frac *= scale
	sec := math.Trunc(frac)
	a.micros += sec*MicrosPerSecond + math.RoundToEven((frac-sec)*MicrosPerSecond)
}

func (a *intervalAcc) fractDays(frac, scale float64) {
	frac *= scale
	d := math.Trunc(frac)
	a.days += d
	a.fractSeconds(frac-d, SecondsPerDay)
}

var intervalUnits = map[string]string{
	"us": "microsecond", "usec": "microsecond", "usecs": "microsecond", "microsecond": "microsecond",
	"microseconds": "microsecond", "usecond": "microsecond", "useconds": "microsecond",
	"ms": "millisecond", "msec": "millisecond", "msecs": "millisecond", "millisecond": "millisecond",
	"milliseconds": "millisecond", "msecond": "millisecond", "mseconds": "millisecond",
	"s": "second", "sec": "second", "secs": "second", "second": "second", "seconds": "second",
	"m": "minute", "min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute",
	"h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
	"d": "day", "day": "day", "days": "day",
	"w": "week", "week": "week", "weeks": "week",
	"mon": "month", "mons": "month", "month": "month", "months": "month",
	"y": "year", "yr": "year", "yrs": "year", "year": "year", "years": "year",
	"dec": "decade", "decs": "decade", "decade": "decade", "decades": "decade",
	"c": "century", "cent": "century", "century": "century", "centuries": "century",
	"mil": "millennium", "mils": "millennium", "millennium": "millennium", "millennia": "millennium",
}

// parseInterval follows interval_in for the postgres and ISO 8601 styles: "1 day 2 hours",
// "1.5 hours", "-1 day +02:00:00", "1 02:00:00", "@ 1 hour ago", "P1Y2M3DT4H5M6S". A number without
// a unit is seconds, and before a time of day it is days.
func parseInterval(s string) (Datum, error) {
	v := strings.ToLower(trimSpace(s))
	var acc intervalAcc
	ok := false
	if strings.HasPrefix(v, "p") {
		ok = parseISOInterval(v[1:], &acc)
	} else {
		ok = parsePostgresInterval(v, &acc)
	}
	if !ok && !acc.overflow {
		return NullDatum, errDatetimeSyntax(Interval, s)
	}
	if acc.overflow || math.Abs(acc.months) > math.MaxInt32 || math.Abs(acc.days) > math.MaxInt32 || math.Abs(acc.micros) >= math.MaxInt64 {
		return NullDatum, pgerr.New("22015", "interval field value out of range: \"%s\"", s)
	}
	return NewInterval(IntervalValue{Months: int32(acc.months), Days: int32(acc.days), Micros: int64(acc.micros)}), nil
}

func parsePostgresInterval(v string, acc *intervalAcc) bool {
	v = strings.TrimPrefix(v, "@")
	fields := strings.Fields(v)
	if len(fields) == 0 {
		return false
	}
	ago := false
	if fields[len(fields)-1] == "ago" {
		ago = true
		fields = fields[:len(fields)-1]
	}
	for k := 0; k < len(fields); k++ {
		f := fields[k]
		if strings.Contains(f, ":") {
			if !addClockInterval(f, acc) {
				return false
			}
			continue
		}
		// Split a number from a unit written against it ("5min", "1.5hours").
		j := 0
		if j < len(f) && (f[j] == '+' || f[j] == '-') {
			j++
		}
		for j < len(f) && (isDigit(f[j]) || f[j] == '.') {
			j++
		}
		num, unit := f[:j], f[j:]
		if num == "" || num == "+" || num == "-" {
			return false
		}
		val, ok := parseDecimalFloat(num)
		if !ok {
			return false
		}
		if unit == "" && k+1 < len(fields) {
			next := fields[k+1]
			if _, isUnit := intervalUnits[next]; isUnit {
				unit = next
				k++
			} else if strings.Contains(next, ":") {
				unit = "d"
			}
		}
		if unit == "" {
			unit = "s"
		}
		name, isUnit := intervalUnits[unit]
		if !isUnit || !acc.add(name, val) {
			return false
		}
	}
	if ago {
		acc.months, acc.days, acc.micros = -acc.months, -acc.days, -acc.micros
	}
	return true
}

// addClockInterval reads [+-]h:mm[:ss[.f]] (or mm:ss.f when the second part has a fraction).
func addClockInterval(f string, acc *intervalAcc) bool {
	neg := false
	if f[0] == '+' || f[0] == '-' {
		neg = f[0] == '-'
		f = f[1:]
	}
	parts := strings.Split(f, ":")
	if len(parts) > 3 {
		return false
	}
	var h, m int
	var sec float64
	var ok bool
	if len(parts) == 2 && strings.Contains(parts[1], ".") {
		if m, ok = atoiAll(parts[0]); !ok {
			return false
		}
		if sec, ok = parseDecimalFloat(parts[1]); !ok {
			return false
		}
	} else {
		if h, ok = atoiAll(parts[0]); !ok {
			return false
		}
		if m, ok = atoiAll(parts[1]); !ok {
			return false
		}
		if len(parts) == 3 {
			if sec, ok = parseDecimalFloat(parts[2]); !ok {
				return false
			}
		}
		if m > 59 || sec > 60 {
			acc.overflow = true
			return false
		}
	}
	for _, unit := range [...]string{"hour", "minute", "second"} {
		if acc.seen[unit] {
			return false
		}
		if acc.seen == nil {
			acc.seen = map[string]bool{}
		}
		acc.seen[unit] = true
	}
	u := float64(h)*MicrosPerHour + float64(m)*MicrosPerMinute + math.RoundToEven(sec*MicrosPerSecond)
	if neg {
		u = -u
	}
	acc.micros += u
	return true
}

// parseISOInterval reads the designator form after the P: nY nM nW nD, then T nH nM nS.
func parseISOInterval(v string, acc *intervalAcc) bool {
	if v == "" {
		return false
	}
	inTime := false
	for v != "" {
		if v[0] == 't' {
			if inTime {
				return false
			}
			inTime = true
			v = v[1:]
			continue
		}
		j := 0
		if v[0] == '-' || v[0] == '+' {
			j++
		}
		for j < len(v) && (isDigit(v[j]) || v[j] == '.') {
			j++
		}
		if j == 0 || j >= len(v) {
			return false
		}
		val, ok := parseDecimalFloat(v[:j])
		if !ok {
			return false
		}
		var unit string
		switch d := v[j]; {
		case d == 'y' && !inTime:
			unit = "year"
		case d == 'm' && !inTime:
			unit = "month"
		case d == 'w' && !inTime:
			unit = "week"
		case d == 'd' && !inTime:
			unit = "day"
		case d == 'h' && inTime:
			unit = "hour"
		case d == 'm' && inTime:
			unit = "minute"
		case d == 's' && inTime:
			unit = "second"
		default:
			return false
		}
		acc.seen = nil // the ISO form may repeat a designator: P1Y1Y is two years
		if !acc.add(unit, val) {
			return false
		}
		v = v[j+1:]
	}
	return true
}

// parseDecimalFloat reads [+-]digits[.digits] (no exponent, no inf/nan).
func parseDecimalFloat(s string) (float64, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || s == "." {
		return 0, false
	}
	var whole, frac, scale float64 = 0, 0, 1
	seenDot := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && !seenDot:
			seenDot = true
		case isDigit(c) && !seenDot:
			whole = whole*10 + float64(c-'0')
		case isDigit(c):
			frac = frac*10 + float64(c-'0')
			scale *= 10
		default:
			return 0, false
		}
	}
	r := whole + frac/scale
	if neg {
		r = -r
	}
	return r, true
}
