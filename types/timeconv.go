package types

import (
	"math"
	"time"
)

// Units of the integer representations of dates, times and timestamps (see Datum).
const (
	MicrosPerMilli  = 1000
	MicrosPerSecond = 1000 * MicrosPerMilli
	MicrosPerMinute = 60 * MicrosPerSecond
	MicrosPerHour   = 60 * MicrosPerMinute
	MicrosPerDay    = 24 * MicrosPerHour
	SecondsPerDay   = 86400
	// DaysPerMonth and MonthsPerYear are the fixed ratios PostgreSQL uses when it must compare or
	// spill interval fields (interval '1 mon' = interval '30 days').
	DaysPerMonth  = 30
	MonthsPerYear = 12
)

// PostgreSQL's infinite dates and timestamps are the extreme values of their representation, so that
// ordinary integer comparison sorts them first and last.
const (
	DateNegInfinity      int64 = math.MinInt32
	DateInfinity         int64 = math.MaxInt32
	TimestampNegInfinity int64 = math.MinInt64
	TimestampInfinity    int64 = math.MaxInt64
)

// TimestampToTime returns the instant micros after the Unix epoch, in UTC. For a timestamp without
// time zone the result's wall clock is the timestamp's.
func TimestampToTime(micros int64) time.Time { return time.UnixMicro(micros).UTC() }

// TimeToTimestamp returns t as microseconds since the Unix epoch (truncating nanoseconds).
func TimeToTimestamp(t time.Time) int64 { return t.UnixMicro() }

// DateToTime returns midnight UTC at the start of the date days after 1970-01-01.
func DateToTime(days int64) time.Time { return time.Unix(days*SecondsPerDay, 0).UTC() }

// TimeToDate returns the date of t's wall clock in t's location, as days since 1970-01-01.
func TimeToDate(t time.Time) int64 {
	y, m, d := t.Date()
	return DaysFromCivil(int64(y), int(m), d)
}

// daysFromCivil converts a proleptic Gregorian date (astronomical year numbering: 0 is 1 BC) to days
// since 1970-01-01 without going through time.Time, which keeps date arithmetic allocation- and
// zone-free (Howard Hinnant's algorithm).
// DaysFromCivil converts a proleptic Gregorian date to days since 1970-01-01.
func DaysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// CivilFromDays is the inverse of DaysFromCivil.
func CivilFromDays(z int64) (y int64, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func daysInMonth(y int64, m int) int {
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

// splitTimestamp returns the date (days) and time of day (micros) of a timestamp.
func splitTimestamp(micros int64) (days, tod int64) {
	days = floorDiv(micros, MicrosPerDay)
	return days, micros - days*MicrosPerDay
}
