package types

import "strconv"

// appendInterval follows interval_out with IntervalStyle postgres: nonzero year, mon and day fields
// ("1 year 2 mons -3 days"), then the time as [+-]HH:MM:SS[.ffffff] when it is nonzero or nothing
// else was written. A field gets an explicit "+" only when the field before it was negative.
func appendInterval(buf []byte, v IntervalValue) []byte {
	years := int64(v.Months / MonthsPerYear)
	mons := int64(v.Months % MonthsPerYear)
	isZero, isBefore := true, false
	buf = appendIntervalPart(buf, years, "year", &isZero, &isBefore)
	buf = appendIntervalPart(buf, mons, "mon", &isZero, &isBefore)
	buf = appendIntervalPart(buf, int64(v.Days), "day", &isZero, &isBefore)
	if isZero || v.Micros != 0 {
		if !isZero {
			buf = append(buf, ' ')
		}
		u := v.Micros
		if u < 0 {
			buf = append(buf, '-')
		} else if isBefore {
			buf = append(buf, '+')
		}
		// Negate in uint64 so that the minimum int64 does not overflow.
		a := uint64(u)
		if u < 0 {
			a = -a
		}
		h := a / MicrosPerHour
		a -= h * MicrosPerHour
		m := a / MicrosPerMinute
		a -= m * MicrosPerMinute
		if h < 10 {
			buf = append(buf, '0')
		}
		buf = strconv.AppendUint(buf, h, 10)
		buf = append(buf, ':', byte('0'+m/10), byte('0'+m%10), ':')
		buf = appendSeconds(buf, int64(a))
	}
	return buf
}

func appendIntervalPart(buf []byte, v int64, unit string, isZero, isBefore *bool) []byte {
	if v == 0 {
		return buf
	}
	if !*isZero {
		buf = append(buf, ' ')
	}
	if *isBefore && v > 0 {
		buf = append(buf, '+')
	}
	buf = strconv.AppendInt(buf, v, 10)
	buf = append(buf, ' ')
	buf = append(buf, unit...)
	if v != 1 {
		buf = append(buf, 's')
	}
	*isBefore = v < 0
	*isZero = false
	return buf
}
