package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Kind is a statement's kind, the label of runnel_query_duration_seconds.
type Kind uint8

const (
	KindOther Kind = iota
	KindSelect
	KindInsert
	KindUpdate
	KindDelete
	KindDDL
	numKinds
)

var kindNames = [numKinds]string{"other", "select", "insert", "update", "delete", "ddl"}

func (k Kind) String() string { return kindNames[k] }

// The observers are resolved once: a statement's latency is recorded without a label lookup.
var kindObservers = func() (o [numKinds]prometheus.Observer) {
	for k := range o {
		o[k] = queryDuration.WithLabelValues(kindNames[k])
	}
	return o
}()

// ObserveQuery records how long a statement of kind k took since start.
func ObserveQuery(k Kind, start time.Time) {
	kindObservers[k].Observe(time.Since(start).Seconds())
}

// StatementKind classifies a statement by its first keyword. It is a label for metrics, not a
// parser: "WITH ... INSERT" counts as a select, and EXPLAIN, SET, SHOW, FLUSH as other.
func StatementKind(text string) Kind {
	i := 0
	for i < len(text) {
		switch c := text[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ';':
			i++
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			end := i + 2
			for end+1 < len(text) && !(text[end] == '*' && text[end+1] == '/') {
				end++
			}
			i = end + 2
		default:
			j := i
			for j < len(text) && (text[j]|0x20 >= 'a' && text[j]|0x20 <= 'z') {
				j++
			}
			return keywordKind(text[i:j])
		}
	}
	return KindOther
}

func keywordKind(w string) Kind {
	if len(w) > 8 {
		return KindOther
	}
	var buf [8]byte
	for i := 0; i < len(w); i++ {
		buf[i] = w[i] | 0x20
	}
	switch string(buf[:len(w)]) {
	case "select", "with", "values", "table":
		return KindSelect
	case "insert":
		return KindInsert
	case "update":
		return KindUpdate
	case "delete":
		return KindDelete
	case "create", "drop", "alter", "truncate", "comment", "grant", "revoke":
		return KindDDL
	}
	return KindOther
}

// QueryError counts an error reported to a client with SQLSTATE code.
func QueryError(code string) {
	class := code
	if len(class) > 2 {
		class = class[:2]
	}
	if class == "" {
		class = "XX"
	}
	queryErrors.WithLabelValues(class).Inc()
}
