package sltrun

import (
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// FormatValue prints one result value as sqllogictest-rs's postgres driver does: the server's own
// text format, with NULL and the empty string made visible (an empty field would vanish when the row
// is joined and normalised).
func FormatValue(v []byte) string {
	switch {
	case v == nil:
		return "NULL"
	case len(v) == 0:
		return "(empty)"
	}
	return string(v)
}

// FormatRow joins a row's formatted values with single spaces.
func FormatRow(values [][]byte) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = FormatValue(v)
	}
	return strings.Join(parts, " ")
}

// Normalize trims a line and collapses runs of whitespace to one space: results are compared after
// this, so alignment in the file and spaces inside values do not matter.
func Normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

const ignoreMarker = "<slt:ignore>"

// Compare checks a query's actual rows against the expected lines under the given sort mode. The
// returned slices are what was compared, for the failure report.
func Compare(mode SortMode, actual [][]string, expected []string) (ok bool, got, want []string) {
	switch mode {
	case ValueSort:
		// Every value stands alone; split both sides into whitespace-separated tokens so that a
		// file may list values one per line or several per line.
		for _, row := range actual {
			for _, v := range row {
				got = append(got, strings.Fields(v)...)
			}
		}
		for _, l := range expected {
			want = append(want, strings.Fields(l)...)
		}
		slices.Sort(got)
		slices.Sort(want)
	default:
		for _, row := range actual {
			got = append(got, Normalize(strings.Join(row, " ")))
		}
		for _, l := range expected {
			want = append(want, Normalize(l))
		}
		if mode == RowSort {
			// Sorting the expected side too lets a file list rows in any order; upstream's old
			// runner did the same.
			slices.Sort(got)
			slices.Sort(want)
		}
	}
	if len(got) != len(want) {
		return false, got, want
	}
	for i := range got {
		if !lineMatches(got[i], want[i]) {
			return false, got, want
		}
	}
	return true, got, want
}

// lineMatches compares one normalised line, honouring upstream's <slt:ignore> marker for volatile
// parts (timestamps, ids).
func lineMatches(got, want string) bool {
	if !strings.Contains(want, ignoreMarker) {
		return got == want
	}
	parts := strings.Split(want, ignoreMarker)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	re, err := regexp.Compile("^" + strings.Join(parts, ".*") + "$")
	return err == nil && re.MatchString(got)
}

// ErrorText renders an error as tokio-postgres does ("db error: ERROR: message", then DETAIL and
// HINT lines), because RisingWave's files match their regexes against that text.
func ErrorText(err error) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	var b strings.Builder
	b.WriteString("db error: ")
	b.WriteString(pe.Severity)
	b.WriteString(": ")
	b.WriteString(pe.Message)
	if pe.Detail != "" {
		b.WriteString("\nDETAIL: ")
		b.WriteString(pe.Detail)
	}
	if pe.Hint != "" {
		b.WriteString("\nHINT: ")
		b.WriteString(pe.Hint)
	}
	return b.String()
}

// sqlState returns the SQLSTATE of a server error, or "".
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// Matches reports whether err is the expected error. An inline regex matches anywhere in the error
// text, or the whole SQLSTATE, so that `statement error 42P01` works; the multi-line form must equal
// the error text (or just the message) after whitespace normalisation.
func (e *ExpectedError) Matches(err error) bool {
	text := ErrorText(err)
	switch {
	case e.Regex != nil:
		if e.Regex.MatchString(text) {
			return true
		}
		// Only a regex that is the whole code counts, so `\d` or `2` do not match every error.
		code := sqlState(err)
		whole, cerr := regexp.Compile("^(?:" + e.Regex.String() + ")$")
		return code != "" && cerr == nil && whole.MatchString(code)
	case e.Text != "":
		want := Normalize(e.Text)
		if Normalize(text) == want {
			return true
		}
		var pe *pgconn.PgError
		return errors.As(err, &pe) && Normalize(pe.Message) == want
	}
	return true
}

// String describes the expectation for failure reports.
func (e *ExpectedError) String() string {
	switch {
	case e.Regex != nil:
		return "error matching /" + e.Regex.String() + "/"
	case e.Text != "":
		return "error:\n" + e.Text
	}
	return "any error"
}
