package format

import (
	"unicode/utf16"
	"unicode/utf8"

	"github.com/runnel-db/runnel/pgerr"
)

// maxDepth bounds the nesting of values, so that a hostile payload cannot exhaust the stack.
const maxDepth = 512

// scanner reads JSON from b at i. Its methods validate as they go: a payload that is not JSON is
// rejected even where its values would be skipped.
type scanner struct {
	b       []byte
	i       int
	scratch []byte // unescaped strings; valid until the next str call
}

func (s *scanner) errorf(format string, args ...any) error {
	return pgerr.New(pgerr.InvalidJSONText, "invalid JSON at byte %d: "+format, append([]any{s.i}, args...)...)
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) expect(c byte) error {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return nil
	}
	if s.i >= len(s.b) {
		return s.errorf("unexpected end, expected '%c'", c)
	}
	return s.errorf("unexpected '%c', expected '%c'", s.b[s.i], c)
}

// plain marks the bytes a string scan can pass over without a second look.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads the string at s.i (an opening quote) and returns its unescaped content: a slice of the
// payload when there was nothing to unescape, else of s.scratch.
func (s *scanner) str() ([]byte, error) {
	if s.peek() != '"' {
		return nil, s.errorf("expected a string")
	}
	b := s.b
	start := s.i + 1
	ascii := true
	for i := start; i < len(b); i++ {
		c := b[i]
		if plain[c] {
			continue
		}
		switch {
		case c == '"':
			s.i = i + 1
			seg := b[start:i]
			if !ascii && !utf8.Valid(seg) {
				s.scratch = appendValidUTF8(s.scratch[:0], seg)
				return s.scratch, nil
			}
			return seg, nil
		case c == '\\':
			return s.strEscaped(start, i)
		case c < 0x20:
			s.i = i
			return nil, s.errorf("control character in string")
		case c >= 0x80:
			ascii = false
		}
	}
	s.i = len(b)
	return nil, s.errorf("unterminated string")
}

// strEscaped finishes a string that has escapes, from the first backslash at i.
func (s *scanner) strEscaped(start, i int) ([]byte, error) {
	b := s.b
	out := append(s.scratch[:0], b[start:i]...)
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			s.i = i + 1
			if !utf8.Valid(out) {
				out = appendValidUTF8(nil, out)
			}
			s.scratch = out
			return out, nil
		case c < 0x20:
			s.i = i
			return nil, s.errorf("control character in string")
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			break
		}
		i++
		switch b[i] {
		case '"', '\\', '/':
			out = append(out, b[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(b, i+1)
			if !ok {
				s.i = i
				return nil, s.errorf("bad \\u escape")
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok2 := rune(-1), false
				if i+6 < len(b) && b[i+1] == '\\' && b[i+2] == 'u' {
					r2, ok2 = hex4(b, i+3)
				}
				if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			if r == 0 {
				// PostgreSQL text cannot hold NUL; jsonb refuses \u0000 as well.
				s.i = i
				return nil, pgerr.New(pgerr.InvalidTextRepresentation, "unsupported Unicode escape sequence \\u0000")
			}
			out = utf8.AppendRune(out, r)
		default:
			s.i = i
			return nil, s.errorf("bad escape '\\%c'", b[i])
		}
		i++
	}
	s.i = len(b)
	return nil, s.errorf("unterminated string")
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// appendValidUTF8 appends b with invalid bytes replaced by U+FFFD, as encoding/json does.
func appendValidUTF8(dst, b []byte) []byte {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, b[:n]...)
		}
		b = b[n:]
	}
	return dst
}

// number reads a JSON number and returns its text and whether it is an integer (no fraction or
// exponent).
func (s *scanner) number() ([]byte, bool, error) {
	b := s.b
	start, i := s.i, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		s.i = i
		return nil, false, s.errorf("invalid value")
	}
	isInt := true
	if i < len(b) && b[i] == '.' {
		isInt = false
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			s.i = i
			return nil, false, s.errorf("digit expected after '.'")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		isInt = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			s.i = i
			return nil, false, s.errorf("digit expected in exponent")
		}
	}
	s.i = i
	return b[start:i], isInt, nil
}

// literal reads true, false or null (the first byte is already known to be t, f or n).
func (s *scanner) literal() (string, error) {
	for _, w := range [...]string{"true", "false", "null"} {
		if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
			s.i += len(w)
			return w, nil
		}
	}
	return "", s.errorf("invalid literal")
}

// skip reads and validates one value of any kind.
func (s *scanner) skip(depth int) error {
	if depth > maxDepth {
		return s.errorf("nested too deeply")
	}
	switch c := s.peek(); c {
	case '"':
		_, err := s.str()
		return err
	case 't', 'f', 'n':
		_, err := s.literal()
		return err
	case '{':
		s.i++
		s.ws()
		if s.peek() == '}' {
			s.i++
			return nil
		}
		for {
			s.ws()
			if _, err := s.str(); err != nil {
				return err
			}
			s.ws()
			if err := s.expect(':'); err != nil {
				return err
			}
			s.ws()
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			s.ws()
			if s.peek() == ',' {
				s.i++
				continue
			}
			return s.expect('}')
		}
	case '[':
		s.i++
		s.ws()
		if s.peek() == ']' {
			s.i++
			return nil
		}
		for {
			s.ws()
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			s.ws()
			if s.peek() == ',' {
				s.i++
				continue
			}
			return s.expect(']')
		}
	case 0:
		return s.errorf("unexpected end")
	default:
		_, _, err := s.number()
		return err
	}
}
