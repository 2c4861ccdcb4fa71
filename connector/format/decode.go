package format

import (
	"strings"
	"unsafe"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// Decoder decodes one JSON object per record into a row. Fields are matched to columns by name,
// then case-insensitively; unknown fields are skipped (but must be valid JSON). A Decoder is not safe
// for concurrent use: each source actor has its own.
type Decoder struct {
	cols  []Column
	folds []string // lower-case column names, for the case-insensitive fallback
	hint  int      // the column after the last one matched: fields usually come in column order
	s     scanner
}

// NewDecoder returns a decoder for rows of cols.
func NewDecoder(cols []Column) *Decoder {
	d := &Decoder{cols: cols, folds: make([]string, len(cols))}
	for i, c := range cols {
		d.folds[i] = strings.ToLower(c.Name)
	}
	return d
}

// Decode decodes payload into dst, resized to the number of columns, and returns it. Missing fields
// and JSON null are NULL. A payload that is not a JSON object, or a field that does not convert to its
// column's type, is an error (a *pgerr.Error) naming the column; the caller skips the record.
func (d *Decoder) Decode(payload []byte, dst types.Row) (types.Row, error) {
	row, err := d.decode(payload, dst)
	d.s.b = nil // do not pin the payload
	return row, err
}

func (d *Decoder) decode(payload []byte, dst types.Row) (types.Row, error) {
	if cap(dst) < len(d.cols) {
		dst = make(types.Row, len(d.cols))
	} else {
		dst = dst[:len(d.cols)]
		clear(dst)
	}
	s := &d.s
	s.b, s.i = payload, 0
	s.ws()
	if s.peek() != '{' {
		return dst, pgerr.New(pgerr.InvalidJSONText, "record is not a JSON object")
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			s.ws()
			key, err := s.str()
			if err != nil {
				return dst, err
			}
			ci := d.lookup(key)
			s.ws()
			if err := s.expect(':'); err != nil {
				return dst, err
			}
			s.ws()
			if ci < 0 {
				err = s.skip(0)
			} else {
				dst[ci], err = value(s, d.cols[ci].Type, 0)
				if err != nil {
					return dst, columnError(d.cols[ci].Name, err)
				}
			}
			if err != nil {
				return dst, err
			}
			s.ws()
			if s.peek() == ',' {
				s.i++
				continue
			}
			if err := s.expect('}'); err != nil {
				return dst, err
			}
			break
		}
	}
	s.ws()
	if s.i != len(s.b) {
		return dst, s.errorf("data after the object")
	}
	return dst, nil
}

// lookup returns the column of a field name, or -1.
func (d *Decoder) lookup(key []byte) int {
	n := len(d.cols)
	i := d.hint
	for range n {
		if i >= n {
			i = 0
		}
		// string(key) == ... compiles to a comparison without a copy.
		if string(key) == d.cols[i].Name {
			d.hint = i + 1
			return i
		}
		i++
	}
	k := unsafeString(key)
	for i, f := range d.folds {
		if strings.EqualFold(k, f) {
			return i
		}
	}
	return -1
}

func columnError(name string, err error) error {
	return pgerr.Wrap(err, pgerr.Code(err), "column %q", name)
}

// unsafeString views b as a string without copying. Only for strings that do not outlive b: lookups,
// and parsers that copy what they keep (numbers, times). Never for values stored in a Datum.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
