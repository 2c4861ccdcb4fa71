package sql

import (
	"strconv"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// stringValue decodes the string constant at token i ('..', E'..', $$..$$), for the clauses the
// scanner handles without pg_query's grammar.
func (s *stmtText) stringValue(i int) (string, bool) {
	if s.kind(i) != pg_query.Token_SCONST {
		return "", false
	}
	return decodeString(s.text(i))
}

func decodeString(raw string) (string, bool) {
	switch {
	case strings.HasPrefix(raw, "'"):
		if !strings.HasSuffix(raw, "'") || len(raw) < 2 {
			return "", false
		}
		body := raw[1 : len(raw)-1]
		if strings.Contains(body, "'\n") || strings.Contains(body, "' ") {
			return "", false // continued literal ('a' 'b' across lines): not worth decoding here
		}
		return strings.ReplaceAll(body, "''", "'"), true
	case len(raw) > 1 && (raw[0] == 'e' || raw[0] == 'E') && raw[1] == '\'':
		return decodeEscape(raw[2 : len(raw)-1])
	case len(raw) > 1 && (raw[0] == 'n' || raw[0] == 'N') && raw[1] == '\'':
		return decodeString(raw[1:])
	case strings.HasPrefix(raw, "$"):
		end := strings.IndexByte(raw[1:], '$')
		if end < 0 {
			return "", false
		}
		tag := raw[:end+2]
		if len(raw) < 2*len(tag) || !strings.HasSuffix(raw, tag) {
			return "", false
		}
		return raw[len(tag) : len(raw)-len(tag)], true
	}
	return "", false
}

// decodeEscape decodes the body of an E'...' string.
func decodeEscape(body string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\'' && i+1 < len(body) && body[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		if c != '\\' || i+1 == len(body) {
			b.WriteByte(c)
			continue
		}
		i++
		switch c = body[i]; c {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
			j := i + 1
			for j < len(body) && j < i+1+n && isHex(body[j]) {
				j++
			}
			if j == i+1 {
				return "", false
			}
			v, _ := strconv.ParseUint(body[i+1:j], 16, 32)
			if c == 'x' {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			i = j - 1
		default:
			if c >= '0' && c <= '7' {
				j := i
				for j < len(body) && j < i+3 && body[j] >= '0' && body[j] <= '7' {
					j++
				}
				v, _ := strconv.ParseUint(body[i:j], 8, 8)
				b.WriteByte(byte(v))
				i = j - 1
			} else {
				b.WriteByte(c)
			}
		}
	}
	if !utf8.ValidString(b.String()) {
		return "", false
	}
	return b.String(), true
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
