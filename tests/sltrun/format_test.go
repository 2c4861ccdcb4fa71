package sltrun

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestFormatValue(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
	}{
		{nil, "NULL"},
		{[]byte{}, "(empty)"},
		{[]byte("t"), "t"},
		{[]byte("f"), "f"},
		{[]byte("1.50"), "1.50"},
		{[]byte("2024-01-01 00:00:05"), "2024-01-01 00:00:05"},
		{[]byte("NULL"), "NULL"}, // the string 'NULL' is indistinguishable upstream too
		{[]byte(" "), " "},
	}
	for _, tt := range tests {
		if got := FormatValue(tt.in); got != tt.want {
			t.Errorf("FormatValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := FormatRow([][]byte{[]byte("1"), nil, {}, []byte("a b")}), "1 NULL (empty) a b"; got != want {
		t.Errorf("FormatRow = %q, want %q", got, want)
	}
}

func TestCompare(t *testing.T) {
	rows := func(rs ...[]string) [][]string { return rs }
	tests := []struct {
		name     string
		mode     SortMode
		actual   [][]string
		expected []string
		want     bool
	}{
		{"equal", NoSort, rows([]string{"1", "a"}), []string{"1 a"}, true},
		{"whitespace runs in file", NoSort, rows([]string{"1", "a"}), []string{"  1    a  "}, true},
		{"whitespace inside a value", NoSort, rows([]string{"a  b"}), []string{"a b"}, true},
		{"tabs", NoSort, rows([]string{"1", "2"}), []string{"1\t2"}, true},
		{"value differs", NoSort, rows([]string{"1", "a"}), []string{"1 b"}, false},
		{"order matters without sort", NoSort, rows([]string{"1"}, []string{"2"}), []string{"2", "1"}, false},
		{"rowsort", RowSort, rows([]string{"2", "b"}, []string{"1", "a"}), []string{"1 a", "2 b"}, true},
		{"rowsort sorts expected too", RowSort, rows([]string{"1", "a"}, []string{"2", "b"}), []string{"2 b", "1 a"}, true},
		{"rowsort keeps rows together", RowSort, rows([]string{"1", "b"}, []string{"2", "a"}), []string{"1 a", "2 b"}, false},
		{"valuesort one per line", ValueSort, rows([]string{"2", "b"}, []string{"1", "a"}), []string{"1", "2", "a", "b"}, true},
		{"valuesort several per line", ValueSort, rows([]string{"1", "b"}, []string{"2", "a"}), []string{"1 a", "2 b"}, true},
		{"too few rows", NoSort, rows([]string{"1"}), []string{"1", "2"}, false},
		{"too many rows", NoSort, rows([]string{"1"}, []string{"2"}), []string{"1"}, false},
		{"empty", NoSort, nil, nil, true},
		{"NULL and empty", NoSort, rows([]string{"NULL", "(empty)"}), []string{"NULL (empty)"}, true},
		{"ignore marker", NoSort, rows([]string{"1", "2024-05-01 10:00:00"}), []string{"1 <slt:ignore>"}, true},
		{"ignore marker middle", NoSort, rows([]string{"a", "x", "c"}), []string{"a <slt:ignore> c"}, true},
		{"ignore marker mismatch", NoSort, rows([]string{"b", "x"}), []string{"a <slt:ignore>"}, false},
		{"regex chars are literal", NoSort, rows([]string{"a.c"}), []string{"abc"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, got, want := Compare(tt.mode, tt.actual, tt.expected)
			if ok != tt.want {
				t.Errorf("Compare = %v, want %v\n  got  %q\n  want %q", ok, tt.want, got, want)
			}
		})
	}
}

func TestErrorMatching(t *testing.T) {
	pgErr := &pgconn.PgError{Severity: "ERROR", Code: "42P01", Message: `table "nope" does not exist`}
	detailed := &pgconn.PgError{Severity: "ERROR", Code: "22012", Message: "division by zero",
		Detail: "in column x", Hint: "check the divisor"}
	wrapped := fmt.Errorf("exec: %w", pgErr)
	plain := errors.New("unexpected EOF")

	if got, want := ErrorText(detailed), "db error: ERROR: division by zero\nDETAIL: in column x\nHINT: check the divisor"; got != want {
		t.Errorf("ErrorText = %q, want %q", got, want)
	}
	if got, want := ErrorText(plain), "unexpected EOF"; got != want {
		t.Errorf("ErrorText(plain) = %q, want %q", got, want)
	}

	re := regexp.MustCompile
	tests := []struct {
		name string
		want ExpectedError
		err  error
		ok   bool
	}{
		{"any", ExpectedError{}, plain, true},
		{"regex on message", ExpectedError{Regex: re(`does not exist`)}, pgErr, true},
		{"regex through wrapping", ExpectedError{Regex: re(`"nope"`)}, wrapped, true},
		{"regex with prefix", ExpectedError{Regex: re(`^db error: ERROR: table`)}, pgErr, true},
		{"regex misses", ExpectedError{Regex: re(`permission denied`)}, pgErr, false},
		{"sqlstate", ExpectedError{Regex: re(`42P01`)}, pgErr, true},
		{"sqlstate alternatives", ExpectedError{Regex: re(`42P01|42703`)}, pgErr, true},
		{"partial sqlstate does not count", ExpectedError{Regex: re(`42`)}, pgErr, false},
		{"regex on detail", ExpectedError{Regex: re(`DETAIL: in column`)}, detailed, true},
		{"multiline whole text", ExpectedError{Text: "db error: ERROR:  table \"nope\"\n does not exist"}, pgErr, true},
		{"multiline message only", ExpectedError{Text: `table "nope" does not exist`}, pgErr, true},
		{"multiline differs", ExpectedError{Text: `table "other" does not exist`}, pgErr, false},
		{"multiline needs the whole message", ExpectedError{Text: `does not exist`}, pgErr, false},
		{"non-server error", ExpectedError{Regex: re(`EOF`)}, plain, true},
	}
	for _, tt := range tests {
		if got := tt.want.Matches(tt.err); got != tt.ok {
			t.Errorf("%s: Matches(%v) = %v, want %v", tt.name, tt.err, got, tt.ok)
		}
	}
}
