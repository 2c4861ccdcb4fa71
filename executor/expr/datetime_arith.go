package expr

import (
	"math"
	"time"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

var errIntervalRange = pgerr.New(pgerr.DatetimeFieldOverflow, "interval out of range")

// newTemporalArith builds + - * / between dates, times, timestamps, intervals and numbers, with the
// result types of PostgreSQL's operators (date - date is an integer, date + interval a timestamp...).
func newTemporalArith(op string, l, r Expr) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	mk := func(t types.Type, l, r Expr, fn func(ctx *Context, a, b types.Datum) (types.Datum, error)) (Expr, error) {
		return &BinFuncExpr{Name: op, L: l, R: r, T: t, Fn: fn}, nil
	}
	cast := func(x Expr, t types.Type) Expr {
		c, err := NewCast(x, t)
		if err != nil {
			panic(err) // only called for implicit casts that always exist
		}
		return c
	}
	isInt := func(t types.Type) bool { return t == types.Int16 || t == types.Int32 }
	switch op {
	case "+":
		switch {
		case lt == types.Date && isInt(rt):
			return mk(types.Date, l, r, func(_ *Context, a, b types.Datum) (types.Datum, error) {
				return types.NewDate(a.Int() + b.Int()), nil
			})
		case isInt(lt) && rt == types.Date:
			return newTemporalArith(op, r, l)
		case lt == types.Date && rt == types.Interval:
			return newTemporalArith(op, cast(l, types.Timestamp), r)
		case lt == types.Date && rt == types.Time:
			return mk(types.Timestamp, l, r, func(_ *Context, a, b types.Datum) (types.Datum, error) {
				return types.NewTimestamp(a.Int()*microsPerDay + b.Int()), nil
			})
		case lt == types.Time && rt == types.Date:
			return newTemporalArith(op, r, l)
		case (lt == types.Timestamp || lt == types.Timestamptz) && rt == types.Interval:
			return mk(lt, l, r, func(ctx *Context, a, b types.Datum) (types.Datum, error) {
				return addInterval(ctx, a, b.IntervalValue(), 1)
			})
		case lt == types.Time && rt == types.Interval:
			return mk(types.Time, l, r, func(_ *Context, a, b types.Datum) (types.Datum, error) {
				return types.NewTime(wrapDay(a.Int() + b.IntervalValue().Micros)), nil
			})
		case lt == types.Interval && (rt == types.Timestamp || rt == types.Timestamptz || rt == types.Date || rt == types.Time):
			return newTemporalArith(op, r, l)
		case lt == types.Interval && rt == types.Interval:
			return mk(types.Interval, l, r, func(_ *Context, a, b types.Datum) (types.Datum, error) {
				return intervalAdd(a.IntervalValue(), b.IntervalValue(), 1)
			})
		}
	case "-":
		switch {
		case lt == types.Date && isInt(rt):
			return mk(types.Date, l, r, func(_ *Context, a, b types.Datum) (types.Datum, error) {
				return types.NewDate(a.Int() - b.Int()), nil
			})
		case lt == types.Date && rt == types.Date:
			return mk(types.Int32, l, r, func(_ *Context, a, b types.Datum) (types.Datum, error) {
				return types.NewInt32(int32(a.Int() - b.Int())), nil
			})
		case lt == types.Date && rt == types.Interval:
			return newTemporalArith(op, cast(l, types.Timestamp), r)
		case (lt == types.Timestamp || lt == types.Timestamptz) && rt == types.Interval:
			return mk(lt, l, r, func(ctx *Context, a, b types.Datum) (types.Datum, error) {
				return addInterval(ctx, a, b.IntervalValue(), -1)
			})
		case lt == types.Time && rt == types.Interval:
			return mk(types.Time, l, r, func(_ *Context, a, b types.Datum) (types.Datum, error) {
				return types.NewTime(wrapDay(a.Int() - b.IntervalValue().Micros)), nil
			})
		case lt == types.Time && rt == types.Time:
			return mk(types.Interval, l, r, func(_ *Context, a, b types.Datum) (types.Datum, error) {
				return types.NewInterval(types.IntervalValue{Micros: a.Int() - b.Int()}), nil
			})
		case lt == types.Interval && rt == types.Interval:
			return mk(types.Interval, l, r, func(_ *Context, a, b types.Datum) (types.Datum, error) {
				return intervalAdd(a.IntervalValue(), b.IntervalValue(), -1)
			})
		case isStamp(lt) && isStamp(rt):
			t, err := CommonType([]types.Type{lt, rt})
			if err != nil {
				return nil, nil
			}
			if t == types.Date {
				return nil, nil
			}
			return mk(types.Interval, cast(l, t), cast(r, t), func(_ *Context, a, b types.Datum) (types.Datum, error) {
				// timestamp_mi: the difference, with whole days split off as justify_hours does.
				d := a.Int() - b.Int()
				return types.NewInterval(types.IntervalValue{Days: int32(d / microsPerDay), Micros: d % microsPerDay}), nil
			})
		}
	case "*", "/":
		switch {
		case lt == types.Interval && rt.IsNumeric():
			div := op == "/"
			return mk(types.Interval, l, cast(r, types.Float64), func(_ *Context, a, b types.Datum) (types.Datum, error) {
				f := b.Float()
				if div {
					if f == 0 {
						return types.NullDatum, errDivZero
					}
					f = 1 / f
				}
				return intervalMul(a.IntervalValue(), f)
			})
		case op == "*" && lt.IsNumeric() && rt == types.Interval:
			return newTemporalArith(op, r, l)
		}
	}
	return nil, nil
}

func isStamp(t types.Type) bool {
	return t == types.Date || t == types.Timestamp || t == types.Timestamptz
}

func wrapDay(us int64) int64 {
	us %= microsPerDay
	if us < 0 {
		us += microsPerDay
	}
	return us
}

func intervalAdd(a, b types.IntervalValue, sign int64) (types.Datum, error) {
	m := int64(a.Months) + sign*int64(b.Months)
	d := int64(a.Days) + sign*int64(b.Days)
	us := a.Micros + sign*b.Micros
	if m != int64(int32(m)) || d != int64(int32(d)) || (sign > 0) == (b.Micros > 0) && b.Micros != 0 && (us > a.Micros) != (sign*b.Micros > 0) {
		return types.NullDatum, errIntervalRange
	}
	return types.NewInterval(types.IntervalValue{Months: int32(m), Days: int32(d), Micros: us}), nil
}

// intervalMul is interval_mul: fractional months spill into days (30 per month), fractional days into
// time.
func intervalMul(v types.IntervalValue, f float64) (types.Datum, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return types.NullDatum, errIntervalRange
	}
	mf := float64(v.Months) * f
	if mf > math.MaxInt32 || mf < math.MinInt32 {
		return types.NullDatum, errIntervalRange
	}
	months := int32(mf)
	monthRemDays := (float64(v.Months)*f - float64(months)) * 30
	df := float64(v.Days) * f
	if df > math.MaxInt32 || df < math.MinInt32 {
		return types.NullDatum, errIntervalRange
	}
	days := int32(df)
	secRem := (float64(v.Days)*f - float64(days) + monthRemDays - math.Trunc(monthRemDays)) * 86400
	secRem = math.Round(secRem*1e6) / 1e6
	if math.Abs(secRem) >= 86400 {
		days += int32(secRem / 86400)
		secRem -= math.Trunc(secRem/86400) * 86400
	}
	days += int32(monthRemDays)
	us := math.RoundToEven(float64(v.Micros)*f + secRem*1e6)
	if us > math.MaxInt64 || us < math.MinInt64 {
		return types.NullDatum, errIntervalRange
	}
	return types.NewInterval(types.IntervalValue{Months: months, Days: days, Micros: int64(us)}), nil
}

// addInterval is timestamp[tz] +/- interval: months first (clamping the day to the month's length),
// then days, both on the wall clock (in the session zone for timestamptz), then the time part.
func addInterval(ctx *Context, d types.Datum, iv types.IntervalValue, sign int) (types.Datum, error) {
	loc := time.UTC
	if d.Type() == types.Timestamptz {
		loc = location(ctx)
	}
	us := d.Int()
	months, days := int(iv.Months)*sign, int(iv.Days)*sign
	if months != 0 || days != 0 {
		t := time.UnixMicro(us).In(loc)
		y, m, dd := t.Date()
		if months != 0 {
			total := int(m) - 1 + months
			y += floorDiv(total, 12)
			m = time.Month(total-floorDiv(total, 12)*12) + 1
			dd = min(dd, daysIn(y, m))
		}
		t = time.Date(y, m, dd+days, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
		us = t.UnixMicro()
	}
	us += int64(sign) * iv.Micros
	if d.Type() == types.Timestamptz {
		return types.NewTimestamptz(us), nil
	}
	return types.NewTimestamp(us), nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
