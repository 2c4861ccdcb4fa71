package types

import "time"

// appendDate follows date_out with DateStyle ISO: YYYY-MM-DD, at least four year digits, " BC" for
// years before 1 AD (there is no year 0), and infinity/-infinity.
func appendDate(buf []byte, days int64) []byte {
	switch days {
	case DateInfinity:
		return append(buf, "infinity"...)
	case DateNegInfinity:
		return append(buf, "-infinity"...)
	}
	y, m, d := CivilFromDays(days)
	buf = appendYMD(buf, y, m, d)
	if y <= 0 {
		buf = append(buf, " BC"...)
	}
	return buf
}

func appendYMD(buf []byte, y int64, m, d int) []byte {
	if y <= 0 {
		y = 1 - y
	}
	buf = appendPadded(buf, y, 4)
	buf = append(buf, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
	return buf
}

func appendPadded(buf []byte, v int64, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for v > 0 || i > len(tmp)-width {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(buf, tmp[i:]...)
}

// appendTimeOfDay writes HH:MM:SS with the fraction of a second trimmed of trailing zeros, as
// time_out does (24:00:00 is a valid time).
func appendTimeOfDay(buf []byte, micros int64) []byte {
	h := micros / MicrosPerHour
	micros -= h * MicrosPerHour
	m := micros / MicrosPerMinute
	micros -= m * MicrosPerMinute
	buf = appendPadded(buf, h, 2)
	buf = append(buf, ':', byte('0'+m/10), byte('0'+m%10), ':')
	return appendSeconds(buf, micros)
}

// appendSeconds writes SS[.ffffff] from microseconds (non-negative, under a minute or not), trimming
// trailing zeros of the fraction.
func appendSeconds(buf []byte, micros int64) []byte {
	s := micros / MicrosPerSecond
	f := micros % MicrosPerSecond
	buf = appendPadded(buf, s, 2)
	if f == 0 {
		return buf
	}
	buf = append(buf, '.')
	digits := 6
	for f%10 == 0 {
		f /= 10
		digits--
	}
	return appendPadded(buf, f, digits)
}

// appendTimestamp follows timestamp_out: date, a space, time of day, then " BC" when needed.
func appendTimestamp(buf []byte, micros int64) []byte {
	switch micros {
	case TimestampInfinity:
		return append(buf, "infinity"...)
	case TimestampNegInfinity:
		return append(buf, "-infinity"...)
	}
	days, tod := splitTimestamp(micros)
	y, m, d := CivilFromDays(days)
	buf = appendYMD(buf, y, m, d)
	buf = append(buf, ' ')
	buf = appendTimeOfDay(buf, tod)
	if y <= 0 {
		buf = append(buf, " BC"...)
	}
	return buf
}

// appendTimestamptz follows timestamptz_out: the wall clock in loc followed by the UTC offset as +HH,
// +HH:MM or +HH:MM:SS (historical local mean times have seconds).
func appendTimestamptz(buf []byte, micros int64, loc *time.Location) []byte {
	switch micros {
	case TimestampInfinity:
		return append(buf, "infinity"...)
	case TimestampNegInfinity:
		return append(buf, "-infinity"...)
	}
	off := 0
	if loc != nil && loc != time.UTC {
		_, off = time.UnixMicro(micros).In(loc).Zone()
	}
	days, tod := splitTimestamp(micros + int64(off)*MicrosPerSecond)
	y, m, d := CivilFromDays(days)
	buf = appendYMD(buf, y, m, d)
	buf = append(buf, ' ')
	buf = appendTimeOfDay(buf, tod)
	buf = appendOffset(buf, off)
	if y <= 0 {
		buf = append(buf, " BC"...)
	}
	return buf
}

func appendOffset(buf []byte, off int) []byte {
	if off < 0 {
		buf = append(buf, '-')
		off = -off
	} else {
		buf = append(buf, '+')
	}
	h, m, s := off/3600, off/60%60, off%60
	buf = appendPadded(buf, int64(h), 2)
	if m != 0 || s != 0 {
		buf = append(buf, ':', byte('0'+m/10), byte('0'+m%10))
	}
	if s != 0 {
		buf = append(buf, ':', byte('0'+s/10), byte('0'+s%10))
	}
	return buf
}
