package expr

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

const (
	tDate  = types.Date
	tTime  = types.Time
	tTS    = types.Timestamp
	tTSTZ  = types.Timestamptz
	tIntvl = types.Interval
)

// wall returns the wall-clock time of a date, timestamp or timestamptz (the latter in the session zone),
// as a time.Time in UTC or the zone.
func wall(ctx *Context, d types.Datum) time.Time {
	switch d.Type() {
	case tDate:
		return time.UnixMicro(d.Int() * microsPerDay).UTC()
	case tTSTZ:
		return time.UnixMicro(d.Int()).In(location(ctx))
	}
	return time.UnixMicro(d.Int()).UTC()
}

// fromWall converts a wall-clock time back to a datum of type t.
func fromWall(t time.Time, typ types.Type) types.Datum {
	switch typ {
	case tTSTZ:
		return types.NewTimestamptz(t.UnixMicro())
	case tDate:
		return types.NewDate(floorDiv64(t.UnixMicro(), microsPerDay))
	}
	y, m, d := t.Date()
	return types.NewTimestamp(time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC).UnixMicro())
}

func unitErr(unit string, t types.Type) error {
	return pgerr.New(pgerr.FeatureNotSupported, "unit \"%s\" not supported for type %s", unit, t)
}

// normUnit maps the spellings PostgreSQL accepts to one name.
func normUnit(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	switch u {
	case "microseconds", "microsecond", "us", "usec", "usecs", "useconds":
		return "microseconds"
	case "milliseconds", "millisecond", "ms", "msec", "msecs", "mseconds":
		return "milliseconds"
	case "second", "seconds", "s", "sec", "secs":
		return "second"
	case "minute", "minutes", "m", "min", "mins":
		return "minute"
	case "hour", "hours", "h", "hr", "hrs":
		return "hour"
	case "day", "days", "d":
		return "day"
	case "week", "weeks", "w":
		return "week"
	case "month", "months", "mon", "mons":
		return "month"
	case "quarter", "qtr":
		return "quarter"
	case "year", "years", "y", "yr", "yrs":
		return "year"
	case "decade", "decades":
		return "decade"
	case "century", "centuries":
		return "century"
	case "millennium", "millennia", "millenniums":
		return "millennium"
	}
	return u
}

func dateTrunc(ctx *Context, unit string, d types.Datum) (types.Datum, error) {
	t := wall(ctx, d)
	y, m, day := t.Date()
	h, mi, s, ns := t.Hour(), t.Minute(), t.Second(), t.Nanosecond()
	loc := t.Location()
	switch normUnit(unit) {
	case "microseconds":
	case "milliseconds":
		ns = ns / 1e6 * 1e6
	case "second":
		ns = 0
	case "minute":
		s, ns = 0, 0
	case "hour":
		mi, s, ns = 0, 0, 0
	case "day":
		h, mi, s, ns = 0, 0, 0, 0
	case "week":
		wd := (int(t.Weekday()) + 6) % 7 // ISO weeks start on Monday
		day -= wd
		h, mi, s, ns = 0, 0, 0, 0
	case "month":
		day, h, mi, s, ns = 1, 0, 0, 0, 0
	case "quarter":
		m = (m-1)/3*3 + 1
		day, h, mi, s, ns = 1, 0, 0, 0, 0
	case "year":
		m, day, h, mi, s, ns = 1, 1, 0, 0, 0, 0
	case "decade":
		y = floorDiv(y, 10) * 10
		m, day, h, mi, s, ns = 1, 1, 0, 0, 0, 0
	case "century":
		if y > 0 {
			y = (y-1)/100*100 + 1
		} else {
			y = -((99-(y-1))/100)*100 + 1
		}
		m, day, h, mi, s, ns = 1, 1, 0, 0, 0, 0
	case "millennium":
		if y > 0 {
			y = (y-1)/1000*1000 + 1
		} else {
			y = -((999-(y-1))/1000)*1000 + 1
		}
		m, day, h, mi, s, ns = 1, 1, 0, 0, 0, 0
	default:
		return types.NullDatum, pgerr.New(pgerr.InvalidParameterValue, "unit \"%s\" not recognized for type %s", unit, d.Type())
	}
	return fromWall(time.Date(y, m, day, h, mi, s, ns, loc), d.Type()), nil
}

func intervalTrunc(unit string, v types.IntervalValue) (types.Datum, error) {
	us := v.Micros
	switch normUnit(unit) {
	case "microseconds":
	case "milliseconds":
		us = us / 1000 * 1000
	case "second":
		us = us / 1e6 * 1e6
	case "minute":
		us = us / 60e6 * 60e6
	case "hour":
		us = us / 3600e6 * 3600e6
	case "day":
		us = 0
	case "month":
		v.Days, us = 0, 0
	case "quarter":
		v.Months, v.Days, us = v.Months/3*3, 0, 0
	case "year":
		v.Months, v.Days, us = v.Months/12*12, 0, 0
	case "decade":
		v.Months, v.Days, us = v.Months/120*120, 0, 0
	case "century":
		v.Months, v.Days, us = v.Months/1200*1200, 0, 0
	case "millennium":
		v.Months, v.Days, us = v.Months/12000*12000, 0, 0
	default:
		return types.NullDatum, pgerr.New(pgerr.InvalidParameterValue, "unit \"%s\" not supported for type interval", unit)
	}
	v.Micros = us
	return types.NewInterval(v), nil
}

// extract computes EXTRACT(field FROM d) as a numeric with PostgreSQL 14's scales (seconds carry six
// decimals, milliseconds three).
func extract(ctx *Context, field string, d types.Datum) (*apd.Decimal, error) {
	f := normUnit(field)
	switch d.Type() {
	case tIntvl:
		return extractInterval(f, field, d.IntervalValue())
	case tTime:
		us := d.Int()
		switch f {
		case "hour":
			return apd.New(us/3600e6, 0), nil
		case "minute":
			return apd.New(us/60e6%60, 0), nil
		case "second":
			return apd.New(us%60e6, -6), nil
		case "milliseconds":
			return apd.New(us%60e6, -3), nil
		case "microseconds":
			return apd.New(us%60e6, 0), nil
		case "epoch":
			return apd.New(us, -6), nil
		}
		return nil, unitErr(field, d.Type())
	}
	t := wall(ctx, d)
	y := t.Year()
	switch f {
	case "epoch":
		if d.Type() == tDate {
			return apd.New(d.Int()*86400, 0), nil
		}
		us := d.Int()
		return apd.New(us, -6), nil
	case "timezone", "timezone_hour", "timezone_minute":
		if d.Type() != tTSTZ {
			return nil, unitErr(field, d.Type())
		}
		_, off := t.Zone()
		switch f {
		case "timezone_hour":
			return apd.New(int64(off/3600), 0), nil
		case "timezone_minute":
			return apd.New(int64(off/60%60), 0), nil
		}
		return apd.New(int64(off), 0), nil
	case "year":
		return apd.New(int64(y), 0), nil
	case "isoyear":
		iy, _ := t.ISOWeek()
		return apd.New(int64(iy), 0), nil
	case "month":
		return apd.New(int64(t.Month()), 0), nil
	case "day":
		return apd.New(int64(t.Day()), 0), nil
	case "dow":
		return apd.New(int64(t.Weekday()), 0), nil
	case "isodow":
		return apd.New(int64((int(t.Weekday())+6)%7+1), 0), nil
	case "doy":
		return apd.New(int64(t.YearDay()), 0), nil
	case "week":
		_, w := t.ISOWeek()
		return apd.New(int64(w), 0), nil
	case "quarter":
		return apd.New(int64((t.Month()-1)/3+1), 0), nil
	case "decade":
		return apd.New(int64(floorDiv(y, 10)), 0), nil
	case "century":
		if y > 0 {
			return apd.New(int64((y+99)/100), 0), nil
		}
		return apd.New(int64(-((99 - (y - 1)) / 100)), 0), nil
	case "millennium":
		if y > 0 {
			return apd.New(int64((y+999)/1000), 0), nil
		}
		return apd.New(int64(-((999 - (y - 1)) / 1000)), 0), nil
	}
	if d.Type() == tDate {
		switch f {
		case "hour", "minute", "second", "milliseconds", "microseconds":
			return nil, unitErr(field, d.Type())
		}
	}
	secUs := int64(t.Second())*1e6 + int64(t.Nanosecond()/1000)
	switch f {
	case "hour":
		return apd.New(int64(t.Hour()), 0), nil
	case "minute":
		return apd.New(int64(t.Minute()), 0), nil
	case "second":
		return apd.New(secUs, -6), nil
	case "milliseconds":
		return apd.New(secUs, -3), nil
	case "microseconds":
		return apd.New(secUs, 0), nil
	case "julian":
		return nil, unitErr(field, d.Type())
	}
	return nil, pgerr.New(pgerr.InvalidParameterValue, "unit \"%s\" not recognized for type %s", field, d.Type())
}

func extractInterval(f, field string, v types.IntervalValue) (*apd.Decimal, error) {
	switch f {
	case "epoch":
		// A year counts 365.25 days and a month 30, as interval_part does.
		secs := new(apd.Decimal)
		years := apd.New(int64(v.Months/12)*31557600, 0)
		rest := apd.New((int64(v.Months%12)*30+int64(v.Days))*86400*1e6+v.Micros, -6)
		decCtx.Add(secs, years, rest)
		return secs, nil
	case "millennium":
		return apd.New(int64(v.Months/12000), 0), nil
	case "century":
		return apd.New(int64(v.Months/1200), 0), nil
	case "decade":
		return apd.New(int64(v.Months/120), 0), nil
	case "year":
		return apd.New(int64(v.Months/12), 0), nil
	case "quarter":
		return apd.New(int64(v.Months%12/3+1), 0), nil
	case "month":
		return apd.New(int64(v.Months%12), 0), nil
	case "day":
		return apd.New(int64(v.Days), 0), nil
	case "hour":
		return apd.New(v.Micros/3600e6, 0), nil
	case "minute":
		return apd.New(v.Micros/60e6%60, 0), nil
	case "second":
		return apd.New(v.Micros%60e6, -6), nil
	case "milliseconds":
		return apd.New(v.Micros%60e6, -3), nil
	case "microseconds":
		return apd.New(v.Micros%60e6, 0), nil
	}
	return nil, unitErr(field, tIntvl)
}

func dateBin(stride types.IntervalValue, src, origin types.Datum) (types.Datum, error) {
	if stride.Months != 0 {
		return types.NullDatum, pgerr.Unsupported("timestamps cannot be binned into intervals containing months or years")
	}
	s := int64(stride.Days)*microsPerDay + stride.Micros
	if s <= 0 {
		return types.NullDatum, pgerr.New("22008", "stride must be greater than zero")
	}
	diff := src.Int() - origin.Int()
	delta := diff - diff%s
	if diff < 0 && diff%s != 0 {
		delta -= s
	}
	return types.NewInt(src.Type(), origin.Int()+delta), nil
}

var monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December"}
var dayNames = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// toChar formats a timestamp with the common to_char patterns; unknown letters pass through as text.
func toChar(t time.Time, f string) string {
	var b strings.Builder
	for i := 0; i < len(f); {
		fm := false
		if strings.HasPrefix(f[i:], "FM") {
			fm, i = true, i+2
		}
		rest := f[i:]
		num := func(v, width int) {
			if fm {
				fmt.Fprintf(&b, "%d", v)
			} else {
				fmt.Fprintf(&b, "%0*d", width, v)
			}
		}
		name := func(s string, width int, upper, lower bool) {
			switch {
			case upper:
				s = strings.ToUpper(s)
			case lower:
				s = strings.ToLower(s)
			}
			if !fm && len(s) < width {
				s += strings.Repeat(" ", width-len(s))
			}
			b.WriteString(s)
		}
		h12 := t.Hour() % 12
		if h12 == 0 {
			h12 = 12
		}
		matched := true
		switch {
		case strings.HasPrefix(rest, "YYYY"):
			num(t.Year(), 4)
			i += 4
		case strings.HasPrefix(rest, "YY"):
			num(t.Year()%100, 2)
			i += 2
		case strings.HasPrefix(rest, "HH24"):
			num(t.Hour(), 2)
			i += 4
		case strings.HasPrefix(rest, "HH12"):
			num(h12, 2)
			i += 4
		case strings.HasPrefix(rest, "HH"):
			num(h12, 2)
			i += 2
		case strings.HasPrefix(rest, "MI"):
			num(t.Minute(), 2)
			i += 2
		case strings.HasPrefix(rest, "SS"):
			num(t.Second(), 2)
			i += 2
		case strings.HasPrefix(rest, "MS"):
			num(t.Nanosecond()/1e6, 3)
			i += 2
		case strings.HasPrefix(rest, "US"):
			num(t.Nanosecond()/1e3, 6)
			i += 2
		case strings.HasPrefix(rest, "MM"):
			num(int(t.Month()), 2)
			i += 2
		case strings.HasPrefix(rest, "DDD"):
			num(t.YearDay(), 3)
			i += 3
		case strings.HasPrefix(rest, "DD"):
			num(t.Day(), 2)
			i += 2
		case strings.HasPrefix(rest, "MONTH"), strings.HasPrefix(rest, "Month"), strings.HasPrefix(rest, "month"):
			name(monthNames[t.Month()-1], 9, rest[1] == 'O', rest[0] == 'm')
			i += 5
		case strings.HasPrefix(rest, "MON"), strings.HasPrefix(rest, "Mon"), strings.HasPrefix(rest, "mon"):
			name(monthNames[t.Month()-1][:3], 3, rest[1] == 'O', rest[0] == 'm')
			i += 3
		case strings.HasPrefix(rest, "DAY"), strings.HasPrefix(rest, "Day"), strings.HasPrefix(rest, "day"):
			name(dayNames[t.Weekday()], 9, rest[1] == 'A', rest[0] == 'd')
			i += 3
		case strings.HasPrefix(rest, "DY"), strings.HasPrefix(rest, "Dy"), strings.HasPrefix(rest, "dy"):
			name(dayNames[t.Weekday()][:3], 3, rest[1] == 'Y', rest[0] == 'd')
			i += 2
		case strings.HasPrefix(rest, "AM"), strings.HasPrefix(rest, "PM"):
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
			i += 2
		case strings.HasPrefix(rest, "Q"):
			num(int(t.Month()-1)/3+1, 1)
			i++
		case rest[0] == 'D':
			num(int(t.Weekday())+1, 1)
			i++
		default:
			matched = false
		}
		if matched {
			continue
		}
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				b.WriteString(rest[1:])
				break
			}
			b.WriteString(rest[1 : end+1])
			i += end + 2
			continue
		}
		b.WriteByte(rest[0])
		i++
	}
	return b.String()
}

func init() {
	now := func(ctx *Context, _ []types.Datum) (types.Datum, error) {
		return types.NewTimestamptz(ctx.Now.UnixMicro()), nil
	}
	for _, n := range []string{"now", "current_timestamp", "transaction_timestamp", "statement_timestamp"} {
		def(n, tTSTZ, nil, now).vol = Stable
	}
	def("clock_timestamp", tTSTZ, nil, func(_ *Context, _ []types.Datum) (types.Datum, error) {
		return types.NewTimestamptz(time.Now().UnixMicro()), nil
	}).vol = Volatile
	def("localtimestamp", tTS, nil, func(ctx *Context, _ []types.Datum) (types.Datum, error) {
		return types.NewTimestamp(instantToWall(ctx.Now.UnixMicro(), location(ctx))), nil
	}).vol = Stable
	def("current_date", tDate, nil, func(ctx *Context, _ []types.Datum) (types.Datum, error) {
		return types.NewDate(floorDiv64(instantToWall(ctx.Now.UnixMicro(), location(ctx)), microsPerDay)), nil
	}).vol = Stable
	for _, n := range []string{"current_time", "localtime"} {
		def(n, tTime, nil, func(ctx *Context, _ []types.Datum) (types.Datum, error) {
			return types.NewTime(wrapDay(instantToWall(ctx.Now.UnixMicro(), location(ctx)))), nil
		}).vol = Stable
	}
	for _, t := range []types.Type{tTS, tTSTZ} {
		o := def("date_trunc", t, ts(tText, t), func(ctx *Context, a []types.Datum) (types.Datum, error) {
			return dateTrunc(ctx, a[0].Str(), a[1])
		})
		if t == tTSTZ {
			o.vol = Stable
		}
	}
	def("date_trunc", tIntvl, ts(tText, tIntvl), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return intervalTrunc(a[0].Str(), a[1].IntervalValue())
	})
	for _, t := range []types.Type{tDate, tTime, tTS, tTSTZ, tIntvl} {
		ex := def("extract", tNum, ts(tText, t), func(ctx *Context, a []types.Datum) (types.Datum, error) {
			v, err := extract(ctx, a[0].Str(), a[1])
			if err != nil {
				return types.NullDatum, err
			}
			return types.NewNumeric(v), nil
		})
		dp := def("date_part", tF8, ts(tText, t), func(ctx *Context, a []types.Datum) (types.Datum, error) {
			v, err := extract(ctx, a[0].Str(), a[1])
			if err != nil {
				return types.NullDatum, err
			}
			return types.NewFloat64(numToFloat(v)), nil
		})
		if t == tTSTZ {
			ex.vol, dp.vol = Stable, Stable
		}
	}
	for _, t := range []types.Type{tTS, tTSTZ} {
		def("date_bin", t, ts(tIntvl, t, t), func(_ *Context, a []types.Datum) (types.Datum, error) {
			return dateBin(a[0].IntervalValue(), a[1], a[2])
		})
	}
	def("to_timestamp", tTSTZ, ts(tF8), func(_ *Context, a []types.Datum) (types.Datum, error) {
		f := a[0].Float()
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 9.2e12 {
			return types.NullDatum, pgerr.New(pgerr.DatetimeFieldOverflow, "timestamp out of range: \"%g\"", f)
		}
		return types.NewTimestamptz(int64(math.Round(f * 1e6))), nil
	})
	for _, t := range []types.Type{tTS, tTSTZ} {
		o := def("to_char", tText, ts(t, tText), func(ctx *Context, a []types.Datum) (types.Datum, error) {
			return vtext(toChar(wall(ctx, a[0]), a[1].Str())), nil
		})
		if t == tTSTZ {
			o.vol = Stable
		}
	}
	def("make_date", tDate, ts(tInt, tInt, tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
		t, err := makeTime(a[0].Int(), a[1].Int(), a[2].Int(), 0, 0, 0)
		if err != nil {
			return types.NullDatum, err
		}
		return types.NewDate(floorDiv64(t.UnixMicro(), microsPerDay)), nil
	})
	def("make_timestamp", tTS, ts(tInt, tInt, tInt, tInt, tInt, tF8), func(_ *Context, a []types.Datum) (types.Datum, error) {
		t, err := makeTime(a[0].Int(), a[1].Int(), a[2].Int(), a[3].Int(), a[4].Int(), a[5].Float())
		if err != nil {
			return types.NullDatum, err
		}
		return types.NewTimestamp(t.UnixMicro()), nil
	})
	def("justify_hours", tIntvl, ts(tIntvl), func(_ *Context, a []types.Datum) (types.Datum, error) {
		v := a[0].IntervalValue()
		v.Days += int32(v.Micros / microsPerDay)
		v.Micros %= microsPerDay
		return types.NewInterval(v), nil
	})
	def("justify_days", tIntvl, ts(tIntvl), func(_ *Context, a []types.Datum) (types.Datum, error) {
		v := a[0].IntervalValue()
		v.Months += v.Days / 30
		v.Days %= 30
		return types.NewInterval(v), nil
	})
}

func makeTime(y, m, d, h, mi int64, sec float64) (time.Time, error) {
	if m < 1 || m > 12 || d < 1 || d > int64(daysIn(int(y), time.Month(m))) || y == 0 {
		return time.Time{}, pgerr.New(pgerr.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
	}
	if h < 0 || h > 24 || mi < 0 || mi > 59 || sec < 0 || sec > 60 {
		return time.Time{}, pgerr.New(pgerr.DatetimeFieldOverflow, "time field value out of range: %d:%02d:%02g", h, mi, sec)
	}
	if y < 0 {
		y++ // year -1 is 1 BC, which is astronomical year 0
	}
	us := int64(math.Round(sec * 1e6))
	return time.Date(int(y), time.Month(m), int(d), int(h), int(mi), 0, 0, time.UTC).Add(time.Duration(us) * time.Microsecond), nil
}
